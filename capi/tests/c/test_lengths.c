/*
 * Lengths are checked before a byte is read. A length far larger than its
 * buffer (8 GiB over a few bytes) used to send the NUL and UTF-8 scans
 * through memory that is not the text's, and the process died of SIGSEGV.
 * Now every (pointer, length) over the library's limit (16 MiB of facts,
 * 4 MiB of rules) gives the library's own size-limit error without
 * touching the text, and the search for the NUL of a file name stops after
 * 4096 bytes. Under valgrind (`.ci/run`), any read past the buffers below is
 * an error, so these cases also prove that nothing beyond them is read.
 *
 * Usage: test_lengths REPO_ROOT
 */
#include <stdint.h>

#include "check.h"

static const char GOOD[] =
    "ruleset \"t\" { version: \"1\" title: \"t\" source: \"t\" }\n"
    "facts { n: int }\n"
    "flag A.one { step: 1 severity: high title: \"x\" when: n > 1 }\n"
    "outcomes { proceed, escalate }\n"
    "disposition { when any flags(raised) => escalate  otherwise => proceed }\n";

static int sentinel_target;
#define SENTINEL ((void *)&sentinel_target)

#define MIB ((size_t)1024 * 1024)

/* Lengths over the limits, from one byte over to far beyond any buffer the
 * text could be in (but within PTRDIFF_MAX, which is an invalid argument). */
static size_t over_facts[3];
static size_t over_rules[3];

static void set_lengths(void) {
    over_facts[0] = 16 * MIB + 1;
    over_rules[0] = 4 * MIB + 4; /* three bytes are left for a byte-order mark */
    over_facts[1] = over_rules[1] = 64 * MIB;
    /* 8 GiB where size_t has room for it. */
    over_facts[2] = over_rules[2] = SIZE_MAX > 0xFFFFFFFFu ? (size_t)8 * 1024 * MIB : 1024 * MIB;
}

static void test_facts_over_the_limit(dd_ruleset *rules) {
    static const char facts[] = "{}";
    for (size_t i = 0; i < 3; i++) {
        char *report = SENTINEL;
        CHECK_STATUS(dd_ruleset_evaluate_json(rules, facts, over_facts[i], &report), DD_ERR_FACTS);
        CHECK(report == NULL);
        char expected[160];
        snprintf(expected, sizeof expected,
                 "the facts document is %zu bytes long, more than the limit of 16777216 bytes",
                 over_facts[i]);
        CHECK(dd_last_error() != NULL && strcmp(dd_last_error(), expected) == 0);
        char json[256];
        snprintf(json, sizeof json, "{\"path\":\"\",\"line\":0,\"column\":0,\"message\":\"%s\"}",
                 expected);
        CHECK(dd_last_error_json() != NULL && strcmp(dd_last_error_json(), json) == 0);
    }
}

static void test_rules_over_the_limit(void) {
    for (size_t i = 0; i < 3; i++) {
        char expected[160];
        snprintf(expected, sizeof expected,
                 "the ruleset is %zu bytes long, more than the limit of 4194304 bytes",
                 over_rules[i]);

        dd_ruleset *out = SENTINEL;
        CHECK_STATUS(dd_ruleset_compile(GOOD, over_rules[i], "big.rules", &out), DD_ERR_RULES);
        CHECK(out == NULL);
        CHECK(contains(dd_last_error(), "error[DD004]: "));
        CHECK(contains(dd_last_error(), expected));
        CHECK(contains(dd_last_error(), "--> big.rules:1:1"));
        CHECK(contains(dd_last_error_json(), "\"code\":\"DD004\""));
        CHECK(contains(dd_last_error_json(), expected));

        /* The check gives the same diagnostic, as a result. */
        char *diagnostics = SENTINEL;
        CHECK_STATUS(dd_ruleset_check(GOOD, over_rules[i], "big.rules", &diagnostics), DD_OK);
        CHECK(contains(diagnostics, "\"code\":\"DD004\""));
        CHECK(contains(diagnostics, "\"severity\":\"error\""));
        CHECK(contains(diagnostics, expected));
        dd_string_free(diagnostics);
    }
}

/* An exact copy of `text` in a buffer of its own size, with no NUL after it:
 * valgrind sees any read past its end. */
static char *exact_copy(const char *text, size_t len) {
    char *copy = malloc(len);
    if (copy != NULL) memcpy(copy, text, len);
    return copy;
}

static void test_lengths_within_the_limit_read_only_the_text(void) {
    char *source = exact_copy(GOOD, strlen(GOOD));
    char *facts = exact_copy("{\"n\": 2}", 8);
    CHECK(source != NULL && facts != NULL);
    if (source == NULL || facts == NULL) {
        free(source);
        free(facts);
        return;
    }
    dd_ruleset *compiled = NULL;
    CHECK_STATUS(dd_ruleset_compile(source, strlen(GOOD), "t.rules", &compiled), DD_OK);
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(compiled, facts, 8, &report), DD_OK);
    CHECK(contains(report, "\"status\":\"raised\""));
    dd_string_free(report);
    dd_ruleset_free(compiled);
    free(source);
    free(facts);
}

static void test_file_names_are_read_up_to_4096_bytes(void) {
    /* 4096 bytes and a NUL: the longest file name. */
    char *name = malloc(4097);
    CHECK(name != NULL);
    if (name == NULL) return;
    memset(name, 'n', 4096);
    name[4096] = '\0';
    dd_ruleset *out = NULL;
    CHECK_STATUS(dd_ruleset_compile(GOOD, strlen(GOOD), name, &out), DD_OK);
    dd_ruleset_free(out);

    /* 4097 bytes and no NUL at all: refused after reading exactly those. */
    name[4096] = 'n';
    out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile(GOOD, strlen(GOOD), name, &out), DD_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    CHECK(dd_last_error() != NULL &&
          strcmp(dd_last_error(),
                 "`file_name` is longer than 4096 bytes, or lacks its terminating NUL") == 0);
    CHECK(contains(dd_last_error_json(), "\"argument\":\"file_name\""));
    char *diagnostics = SENTINEL;
    CHECK_STATUS(dd_ruleset_check(GOOD, strlen(GOOD), name, &diagnostics), DD_ERR_INVALID_ARGUMENT);
    CHECK(diagnostics == NULL);
    free(name);
}

int main(int argc, char **argv) {
    (void)argv;
    if (argc != 2) {
        fprintf(stderr, "usage: test_lengths REPO_ROOT\n");
        return 2;
    }
    set_lengths();
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_bundled(&rules), DD_OK);
    if (rules == NULL) return finish("test_lengths");

    test_facts_over_the_limit(rules);
    test_rules_over_the_limit();
    test_lengths_within_the_limit_read_only_the_text();
    test_file_names_are_read_up_to_4096_bytes();

    dd_ruleset_free(rules);
    return finish("test_lengths");
}
