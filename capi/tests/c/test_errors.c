/*
 * Every error status of the C ABI, and what comes with it: NULL for every
 * pointer, invalid UTF-8, embedded NULs, impossible lengths, rulesets with
 * errors, rejected facts, inputs over the library's limits. On every failure
 * the out-parameter must be NULL, the last error set in both forms, and
 * nothing leaked (valgrind checks that).
 *
 * Usage: test_errors REPO_ROOT
 */
#include <stdint.h>

#include "check.h"

static const char GOOD[] =
    "ruleset \"t\" { version: \"1\" title: \"t\" source: \"t\" }\n"
    "facts { n: int }\n"
    "flag A.one { step: 1 severity: high title: \"x\" when: n > 1 }\n"
    "outcomes { proceed, escalate }\n"
    "disposition { when any flags(raised) => escalate  otherwise => proceed }\n";

/* Two independent mistakes: undefined facts on lines 3 and 4. */
static const char BROKEN[] =
    "ruleset \"t\" { version: \"1\" title: \"t\" source: \"t\" }\n"
    "facts { n: int }\n"
    "flag A.one { step: 1 severity: high title: \"x\" when: m > 1 }\n"
    "flag A.two { step: 1 severity: high title: \"x\" when: k > 1 }\n"
    "outcomes { proceed }\n"
    "disposition { otherwise => proceed }\n";

/* A pointer that is not NULL, to see out-parameters reset on failure. */
static int sentinel_target;
#define SENTINEL ((void *)&sentinel_target)

/* The last error names the argument, and both forms are set. */
static void expect_argument_error(const char *argument) {
    char needle[64];
    snprintf(needle, sizeof needle, "\"argument\":\"%s\"", argument);
    CHECK(contains(dd_last_error_json(), needle));
    CHECK(contains(dd_last_error(), argument));
}

static void test_status_values(void) {
    /* The values are ABI: never renumbered (and an error object carries them). */
    CHECK(DD_OK == 0);
    CHECK(DD_ERR_INVALID_ARGUMENT == 1);
    CHECK(DD_ERR_INVALID_UTF8 == 2);
    CHECK(DD_ERR_RULES == 3);
    CHECK(DD_ERR_FACTS == 4);
    CHECK(DD_ERR_PANIC == 5);
    CHECK(DD_ERR_BUDGET == 6);
}

static void test_null_pointers(dd_ruleset *rules) {
    dd_ruleset *out = SENTINEL;
    char *text = SENTINEL;

    CHECK_STATUS(dd_ruleset_compile(NULL, 10, "t.rules", &out), DD_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    expect_argument_error("source");
    out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile(NULL, 0, "t.rules", &out), DD_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile(GOOD, strlen(GOOD), NULL, &out), DD_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    expect_argument_error("file_name");
    CHECK_STATUS(dd_ruleset_compile(GOOD, strlen(GOOD), "t.rules", NULL), DD_ERR_INVALID_ARGUMENT);
    expect_argument_error("out");

    CHECK_STATUS(dd_ruleset_bundled(NULL), DD_ERR_INVALID_ARGUMENT);
    expect_argument_error("out");

    CHECK_STATUS(dd_ruleset_evaluate_json(NULL, "{}", 2, &text), DD_ERR_INVALID_ARGUMENT);
    CHECK(text == NULL);
    expect_argument_error("rules");
    text = SENTINEL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, NULL, 2, &text), DD_ERR_INVALID_ARGUMENT);
    CHECK(text == NULL);
    expect_argument_error("facts_json");
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, "{}", 2, NULL), DD_ERR_INVALID_ARGUMENT);
    expect_argument_error("report_json");
    CHECK_STATUS(dd_ruleset_evaluate_json(NULL, NULL, 0, NULL), DD_ERR_INVALID_ARGUMENT);

    text = SENTINEL;
    CHECK_STATUS(dd_ruleset_check(NULL, 1, "t.rules", &text), DD_ERR_INVALID_ARGUMENT);
    CHECK(text == NULL);
    expect_argument_error("source");
    text = SENTINEL;
    CHECK_STATUS(dd_ruleset_check(GOOD, strlen(GOOD), NULL, &text), DD_ERR_INVALID_ARGUMENT);
    CHECK(text == NULL);
    expect_argument_error("file_name");
    CHECK_STATUS(dd_ruleset_check(GOOD, strlen(GOOD), "t.rules", NULL), DD_ERR_INVALID_ARGUMENT);
    expect_argument_error("diagnostics_json");

    text = SENTINEL;
    CHECK_STATUS(dd_ruleset_warnings_json(NULL, &text), DD_ERR_INVALID_ARGUMENT);
    CHECK(text == NULL);
    expect_argument_error("rules");
    CHECK_STATUS(dd_ruleset_warnings_json(rules, NULL), DD_ERR_INVALID_ARGUMENT);
    expect_argument_error("warnings_json");

    text = SENTINEL;
    CHECK_STATUS(dd_ruleset_json_schema(NULL, &text), DD_ERR_INVALID_ARGUMENT);
    CHECK(text == NULL);
    expect_argument_error("rules");
    CHECK_STATUS(dd_ruleset_json_schema(rules, NULL), DD_ERR_INVALID_ARGUMENT);
    expect_argument_error("schema_json");

    CHECK(dd_ruleset_name(NULL) == NULL);
    CHECK(dd_ruleset_version(NULL) == NULL);

    /* Freeing NULL is a no-op. */
    dd_ruleset_free(NULL);
    dd_string_free(NULL);
    dd_error_free(NULL);

    /* The error object's accessors take NULL, which is no error. */
    CHECK(dd_error_status(NULL) == DD_OK);
    CHECK(dd_error_message(NULL) == NULL);
    CHECK(dd_error_json(NULL) == NULL);

    /* The `_e` calls check their pointers the same way (test_error_objects.c
     * compares every failure of each with its twin), and accept a NULL
     * error: then the last error alone says why. */
    out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile_e(NULL, 10, "t.rules", &out, NULL), DD_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    expect_argument_error("source");
    CHECK_STATUS(dd_ruleset_bundled_e(NULL, NULL), DD_ERR_INVALID_ARGUMENT);
    expect_argument_error("out");
    dd_error *error = SENTINEL;
    text = SENTINEL;
    CHECK_STATUS(dd_ruleset_evaluate_json_e(NULL, NULL, 0, &text, &error), DD_ERR_INVALID_ARGUMENT);
    CHECK(text == NULL);
    CHECK(error != NULL && error != SENTINEL);
    CHECK(dd_error_status(error) == DD_ERR_INVALID_ARGUMENT);
    CHECK(contains(dd_error_json(error), "\"argument\":"));
    dd_error_free(error);
    CHECK_STATUS(dd_ruleset_evaluate_json_e(NULL, NULL, 0, NULL, NULL), DD_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dd_ruleset_with_budget_e(NULL, 0, NULL, NULL), DD_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dd_ruleset_check_e(NULL, 0, NULL, NULL, NULL), DD_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dd_ruleset_warnings_json_e(NULL, NULL, NULL), DD_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dd_ruleset_json_schema_e(NULL, NULL, NULL), DD_ERR_INVALID_ARGUMENT);
}

static void test_invalid_utf8(dd_ruleset *rules) {
    dd_ruleset *out = SENTINEL;
    char *text = SENTINEL;

    /* A byte that never starts UTF-8, at offset 9 of the source. */
    const char bad_source[] = "ruleset \"\xff\" { version: \"1\" title: \"t\" source: \"t\" }";
    CHECK_STATUS(dd_ruleset_compile(bad_source, strlen(bad_source), "t.rules", &out), DD_ERR_INVALID_UTF8);
    CHECK(out == NULL);
    CHECK(contains(dd_last_error_json(), "\"offset\":9"));
    CHECK(contains(dd_last_error_json(), "\"argument\":\"source\""));
    CHECK(contains(dd_last_error(), "not valid UTF-8"));

    text = SENTINEL;
    CHECK_STATUS(dd_ruleset_check(bad_source, strlen(bad_source), "t.rules", &text), DD_ERR_INVALID_UTF8);
    CHECK(text == NULL);

    /* A truncated sequence, an overlong encoding and an encoded surrogate, in facts. */
    const char *bad_facts[] = {"{\"id\": \"\xc3\"}", "{\"id\": \"\xc0\xaf\"}", "{\"id\": \"\xed\xa0\x80\"}"};
    for (size_t i = 0; i < sizeof bad_facts / sizeof bad_facts[0]; i++) {
        text = SENTINEL;
        CHECK_STATUS(dd_ruleset_evaluate_json(rules, bad_facts[i], strlen(bad_facts[i]), &text),
                     DD_ERR_INVALID_UTF8);
        CHECK(text == NULL);
        CHECK(contains(dd_last_error_json(), "\"offset\":8"));
        CHECK(contains(dd_last_error_json(), "\"argument\":\"facts_json\""));
    }

    /* The file name is UTF-8 too. */
    out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile(GOOD, strlen(GOOD), "bad\xe2\x82.rules", &out), DD_ERR_INVALID_UTF8);
    CHECK(out == NULL);
    CHECK(contains(dd_last_error_json(), "\"argument\":\"file_name\""));
    CHECK(contains(dd_last_error_json(), "\"offset\":3"));

    /* Valid multi-byte UTF-8 is fine, and a file name is used as given. */
    const char *accented = "{\"id\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x8d\"}";
    text = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, accented, strlen(accented), &text), DD_OK);
    CHECK(contains(text, "caf\xc3\xa9"));
    dd_string_free(text);
}

static void test_embedded_nul(dd_ruleset *rules) {
    dd_ruleset *out = SENTINEL;
    char *text = SENTINEL;

    /* A NUL inside the text. */
    const char source_with_nul[] = "rul\0eset";
    CHECK_STATUS(dd_ruleset_compile(source_with_nul, sizeof source_with_nul - 1, "t.rules", &out),
                 DD_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    CHECK(contains(dd_last_error(), "NUL byte at offset 3"));
    expect_argument_error("source");

    const char facts_with_nul[] = "{\"id\": \"a\0b\"}";
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, facts_with_nul, sizeof facts_with_nul - 1, &text),
                 DD_ERR_INVALID_ARGUMENT);
    CHECK(text == NULL);
    CHECK(contains(dd_last_error(), "NUL byte at offset 9"));

    /* The usual mistake: a length that counts the terminating NUL. */
    text = SENTINEL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, "{}", 3, &text), DD_ERR_INVALID_ARGUMENT);
    CHECK(text == NULL);
    CHECK(contains(dd_last_error(), "terminating NUL"));
    out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile(GOOD, sizeof GOOD, "t.rules", &out), DD_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    text = SENTINEL;
    CHECK_STATUS(dd_ruleset_check(GOOD, sizeof GOOD, "t.rules", &text), DD_ERR_INVALID_ARGUMENT);
    CHECK(text == NULL);
}

static void test_huge_lengths(dd_ruleset *rules) {
    /* Lengths no buffer can have are refused before anything is read. */
    const size_t huge[] = {SIZE_MAX, (size_t)PTRDIFF_MAX + 1};
    for (size_t i = 0; i < 2; i++) {
        dd_ruleset *out = SENTINEL;
        CHECK_STATUS(dd_ruleset_compile(GOOD, huge[i], "t.rules", &out), DD_ERR_INVALID_ARGUMENT);
        CHECK(out == NULL);
        CHECK(contains(dd_last_error(), "more than any buffer can hold"));
        char *text = SENTINEL;
        CHECK_STATUS(dd_ruleset_evaluate_json(rules, "{}", huge[i], &text), DD_ERR_INVALID_ARGUMENT);
        CHECK(text == NULL);
        text = SENTINEL;
        CHECK_STATUS(dd_ruleset_check(GOOD, huge[i], "t.rules", &text), DD_ERR_INVALID_ARGUMENT);
        CHECK(text == NULL);
    }

    /* Real texts over the library's limits (4 MiB of rules, 16 MiB of facts) are errors of their kind. */
    size_t big = 17u * 1024 * 1024;
    char *buffer = malloc(big);
    CHECK(buffer != NULL);
    if (buffer == NULL) return;
    memset(buffer, ' ', big);
    dd_ruleset *out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile(buffer, 4u * 1024 * 1024 + 1, "big.rules", &out), DD_ERR_RULES);
    CHECK(out == NULL);
    CHECK(contains(dd_last_error_json(), "\"code\":\"DD004\""));
    char *text = SENTINEL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, buffer, big, &text), DD_ERR_FACTS);
    CHECK(text == NULL);
    CHECK(contains(dd_last_error(), "more than the limit"));
    free(buffer);
}

static void test_rules_errors(void) {
    dd_ruleset *out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile(BROKEN, strlen(BROKEN), "broken.rules", &out), DD_ERR_RULES);
    CHECK(out == NULL);

    /* Rendered like the command line prints them. */
    const char *message = dd_last_error();
    CHECK(contains(message, "error[DD"));
    CHECK(contains(message, "--> broken.rules:3:"));
    CHECK(contains(message, "^"));

    /* And as the JSON array of every diagnostic: both mistakes, not just the first. */
    const char *json = dd_last_error_json();
    CHECK(json != NULL && json[0] == '[');
    CHECK(contains(json, "\"file\":\"broken.rules\""));
    CHECK(contains(json, "\"severity\":\"error\""));
    CHECK(contains(json, "\"line\":3"));
    CHECK(contains(json, "\"line\":4"));
    CHECK(contains(json, "\"span\":{\""));

    /* An empty ruleset and a ruleset of nonsense are errors too. */
    out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile("", 0, "empty.rules", &out), DD_ERR_RULES);
    CHECK(out == NULL);
    CHECK(contains(dd_last_error_json(), "\"code\":\"DD"));
    out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile("}}}{{{", 6, "junk.rules", &out), DD_ERR_RULES);
    CHECK(out == NULL);
}

static void test_facts_errors(dd_ruleset *rules) {
    struct {
        const char *facts;
        const char *json_needle;
    } cases[] = {
        /* An unknown field, with its path, line, column and a suggestion. */
        {"{\"country\": {\"civic_spac\": 1}}", "\"path\":\"country.civic_spac\",\"line\":1,\"column\":"},
        /* A wrong type. */
        {"{\n  \"country\": {\"freedom_score\": \"high\"}\n}", "\"path\":\"country.freedom_score\",\"line\":2"},
        /* Not an object, malformed, duplicate keys, an out-of-range integer. */
        {"[]", "\"path\":\"\""},
        {"{\"country\": ", "\"message\":"},
        {"{\"id\": \"a\", \"id\": \"b\"}", "\"message\":"},
        {"{\"country\": {\"freedom_score\": 99999999999999999999999}}", "\"path\":\"country.freedom_score\""},
        /* Not JSON at all, and nothing. */
        {"hello", "\"line\":1"},
        {"", "\"message\":"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *report = SENTINEL;
        CHECK_STATUS(dd_ruleset_evaluate_json(rules, cases[i].facts, strlen(cases[i].facts), &report),
                     DD_ERR_FACTS);
        CHECK(report == NULL);
        CHECK(dd_last_error() != NULL && strlen(dd_last_error()) > 0);
        const char *json = dd_last_error_json();
        CHECK(json != NULL && json[0] == '{');
        CHECK(contains(json, "\"path\":"));
        CHECK(contains(json, "\"column\":"));
        if (!contains(json, cases[i].json_needle)) {
            fprintf(stderr, "case %zu: %s lacks %s\n", i, json, cases[i].json_needle);
        }
        CHECK(contains(json, cases[i].json_needle));
    }

    /* The message for people says where and what. */
    const char *facts = "{\"country\": {\"civic_spac\": 1}}";
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, facts, strlen(facts), &report), DD_ERR_FACTS);
    CHECK(contains(dd_last_error(), "`country.civic_spac`"));
    CHECK(contains(dd_last_error(), "did you mean `civic_space`?"));
    CHECK(contains(dd_last_error(), "line 1"));
}

/* The last error's pointers stay valid until the next call that returns a status. */
static void test_last_error_lifetime(dd_ruleset *rules) {
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, "[]", 2, &report), DD_ERR_FACTS);
    const char *message = dd_last_error();
    const char *json = dd_last_error_json();
    CHECK(message == dd_last_error());
    CHECK(json == dd_last_error_json());
    (void)dd_version();
    (void)dd_ruleset_name(rules);
    dd_string_free(NULL);
    dd_ruleset_free(NULL);
    CHECK(message == dd_last_error());
    CHECK(strlen(message) > 0 && strlen(json) > 0);

    /* A new failure replaces it. */
    CHECK_STATUS(dd_ruleset_bundled(NULL), DD_ERR_INVALID_ARGUMENT);
    CHECK(contains(dd_last_error_json(), "\"argument\":\"out\""));
}

/* Many failures in a row leak nothing (valgrind counts). */
static void test_repeated_failures(dd_ruleset *rules) {
    for (int i = 0; i < 200; i++) {
        char *report = NULL;
        dd_ruleset *out = NULL;
        CHECK_STATUS(dd_ruleset_evaluate_json(rules, "{\"nope\": 1}", 11, &report), DD_ERR_FACTS);
        if (i % 20 == 0) {
            CHECK_STATUS(dd_ruleset_compile(BROKEN, strlen(BROKEN), "broken.rules", &out), DD_ERR_RULES);
        }
    }
}

int main(int argc, char **argv) {
    (void)argv;
    if (argc != 2) {
        fprintf(stderr, "usage: test_errors REPO_ROOT\n");
        return 2;
    }
    /* Before any call, there is no error. */
    CHECK(dd_last_error() == NULL);
    CHECK(dd_last_error_json() == NULL);

    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_bundled(&rules), DD_OK);
    if (rules == NULL) return finish("test_errors");

    test_status_values();
    test_null_pointers(rules);
    test_invalid_utf8(rules);
    test_embedded_nul(rules);
    test_huge_lengths(rules);
    test_rules_errors();
    test_facts_errors(rules);
    test_last_error_lifetime(rules);
    test_repeated_failures(rules);

    dd_ruleset_free(rules);
    return finish("test_errors");
}
