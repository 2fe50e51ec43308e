/*
 * Resources through the C ABI, one case per class of input that used to
 * take the host process down:
 *
 * - quantifiers nested over one list (hours of work) stop at the work
 *   budget with DD_ERR_BUDGET naming the flag, whatever budget the handle
 *   has; realistic facts are far under it;
 * - a facts document whose one unknown key is 16 MB (the "did you mean"
 *   search asked for 2.4 GB and aborted) is a facts error;
 * - 30 predicates each using the one before twice (the missing-facts walk
 *   took 1.1 GB at 26 and aborted at 28) report their missing facts;
 * - 2,000 flags quoting a list of 100,000 parties (4 GB of report) give a
 *   bounded report that marks the rest omitted;
 * - a chain of 3,000 predicates evaluates on a thread with a 256 KiB stack
 *   (it died of SIGSEGV with 1 MiB).
 *
 * `c_programs.rs` also runs it under `ulimit -v 2000000` and a 10 s timeout.
 *
 * Usage: test_resources REPO_ROOT
 */
#include <pthread.h>
#include <stdint.h>

#include "check.h"

static const char NESTED[] =
    "ruleset \"n\" { version: \"1\" title: \"t\" source: \"s\" }\n"
    "record P { ok: bool }\n"
    "facts { ps: list<P> }\n"
    "flag F.deep { step: 1 severity: high title: \"deep\"\n"
    "  when: any(a in ps where any(b in ps where any(c in ps where any(d in ps where\n"
    "        a.ok and b.ok and c.ok and d.ok)))) }\n"
    "outcomes { go, stop }\n"
    "disposition { when any flags(raised) => stop  otherwise => go }\n";

/* {"ps": [{"ok": false}, ... 300 times]}: every quantifier scans the whole
 * list, 300^4 = 8.1e9 element visits without a budget. */
static char *nested_facts(size_t *len) {
    static const char item[] = "{\"ok\": false},";
    size_t cap = 16 + 300 * (sizeof item - 1);
    char *doc = malloc(cap);
    if (doc == NULL) exit(2);
    size_t n = (size_t)snprintf(doc, cap, "{\"ps\": [");
    for (int i = 0; i < 300; i++) {
        memcpy(doc + n, item, sizeof item - 1);
        n += sizeof item - 1;
    }
    doc[n - 1] = ']';
    doc[n++] = '}';
    doc[n] = '\0';
    *len = n;
    return doc;
}

static void expect_over_budget(const dd_ruleset *rules, const char *budget_json) {
    size_t len = 0;
    char *facts = nested_facts(&len);
    char *report = (char *)"sentinel";
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, facts, len, &report), DD_ERR_BUDGET);
    CHECK(report == NULL);
    const char *json = dd_last_error_json();
    CHECK(contains(json, budget_json));
    CHECK(contains(json, "\"kind\":\"flag\",\"id\":\"F.deep\""));
    CHECK(contains(dd_last_error(), "over its budget"));
    CHECK(contains(dd_last_error(), "`F.deep`"));
    free(facts);
}

static void test_nested_quantifiers(void) {
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_compile(NESTED, strlen(NESTED), "n.rules", &rules), DD_OK);
    if (rules == NULL) return;
    /* (The default budget, 100,000,000 steps, stops the same case in
     * about 0.6 s of a release build: `tests/resources.rs` checks it; here
     * a smaller one keeps the test quick in a debug build too.) */
    dd_ruleset *small = NULL;
    CHECK_STATUS(dd_ruleset_with_budget(rules, 1000, &small), DD_OK);
    CHECK(small != NULL);
    /* The two handles are independent: free the first, use the second. */
    dd_ruleset_free(rules);
    if (small == NULL) return;
    expect_over_budget(small, "\"budget\":1000,");

    /* A short list is well within even a small budget (and raises the flag). */
    static const char two[] = "{\"ps\": [{\"ok\": true}, {\"ok\": false}]}";
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(small, two, strlen(two), &report), DD_OK);
    CHECK(contains(report, "\"disposition\":\"stop\""));
    dd_string_free(report);

    dd_ruleset *out = (dd_ruleset *)&report;
    CHECK_STATUS(dd_ruleset_with_budget(small, 0, &out), DD_ERR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    CHECK(contains(dd_last_error_json(), "\"argument\":\"steps\""));
    CHECK_STATUS(dd_ruleset_with_budget(NULL, 10, &out), DD_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dd_ruleset_with_budget(small, 10, NULL), DD_ERR_INVALID_ARGUMENT);
    dd_ruleset_free(small);
}

/* The bundled ruleset on the bundled example transactions, under a budget
 * of 100,000 steps: a thousandth of the default is still plenty. */
static void test_realistic_facts_are_far_under(const char *root) {
    static const char *examples[] = {
        "face-recognition-national-police.json",
        "partial-facts.json",
    };
    dd_ruleset *bundled = NULL, *small = NULL;
    CHECK_STATUS(dd_ruleset_bundled(&bundled), DD_OK);
    CHECK_STATUS(dd_ruleset_with_budget(bundled, 100000, &small), DD_OK);
    for (size_t i = 0; small != NULL && i < sizeof examples / sizeof *examples; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/examples/transactions/%s", root, examples[i]);
        size_t len = 0;
        char *facts = read_file(path, &len);
        char *report = NULL;
        CHECK_STATUS(dd_ruleset_evaluate_json(small, facts, len, &report), DD_OK);
        dd_string_free(report);
        free(facts);
    }
    dd_ruleset_free(small);
    dd_ruleset_free(bundled);
}

/* predicate p0 { x }, predicate pN { p(N-1) and not p(N-1) or x }...: 3,000
 * predicates, each using the one before twice. */
#define CHAIN 3000

struct chain_result {
    dd_status compile;
    dd_status evaluate;
    int disposition_ok;
};

static void *evaluate_chain(void *arg) {
    struct chain_result *result = arg;
    size_t cap = 256 + (size_t)CHAIN * 64;
    char *src = malloc(cap);
    if (src == NULL) exit(2);
    size_t n = (size_t)snprintf(src, cap,
                                "ruleset \"c\" { version: \"1\" title: \"t\" source: \"s\" }\n"
                                "facts { x: bool  y: bool }\n"
                                "predicate p0 { x }\n");
    for (int i = 1; i < CHAIN; i++) {
        n += (size_t)snprintf(src + n, cap - n, "predicate p%d { (p%d and y) or (not p%d and x) }\n",
                              i, i - 1, i - 1);
    }
    n += (size_t)snprintf(src + n, cap - n,
                          "flag A.chain { step: 1 severity: high title: \"t\" when: p%d }\n"
                          "outcomes { go, stop }\n"
                          "disposition { when any flags(raised) => stop  otherwise => go }\n",
                          CHAIN - 1);
    dd_ruleset *rules = NULL;
    result->compile = dd_ruleset_compile(src, n, "chain.rules", &rules);
    free(src);
    if (rules == NULL) return NULL;
    /* y unknown: the flag is unknown, and the report walks every
     * predicate for its missing facts. */
    static const char facts[] = "{\"x\": true}";
    char *report = NULL;
    result->evaluate = dd_ruleset_evaluate_json(rules, facts, strlen(facts), &report);
    result->disposition_ok = contains(report, "\"y\"");
    dd_string_free(report);
    dd_ruleset_free(rules);
    return NULL;
}

static void test_chain_on_a_small_stack(void) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    CHECK(pthread_attr_setstacksize(&attr, 256 * 1024) == 0);
    struct chain_result result = {DD_ERR_PANIC, DD_ERR_PANIC, 0};
    pthread_t thread;
    CHECK(pthread_create(&thread, &attr, evaluate_chain, &result) == 0);
    pthread_join(thread, NULL);
    pthread_attr_destroy(&attr);
    CHECK(result.compile == DD_OK);
    CHECK(result.evaluate == DD_OK);
    CHECK(result.disposition_ok);
}

/* Appends `text` at `*n` in `buf` of `cap` bytes, or exits. */
static void append(char *buf, size_t cap, size_t *n, const char *text) {
    size_t len = strlen(text);
    if (*n + len >= cap) exit(2);
    memcpy(buf + *n, text, len + 1);
    *n += len;
}

static void test_huge_unknown_key(void) {
    size_t key = 16 * 1024 * 1024 - 64;
    char *doc = malloc(key + 64);
    if (doc == NULL) exit(2);
    size_t n = 0;
    append(doc, key + 64, &n, "{\"");
    memset(doc + n, 'k', key);
    n += key;
    doc[n] = '\0';
    append(doc, key + 64, &n, "\": 1}");
    dd_ruleset *bundled = NULL;
    CHECK_STATUS(dd_ruleset_bundled(&bundled), DD_OK);
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(bundled, doc, n, &report), DD_ERR_FACTS);
    CHECK(contains(dd_last_error(), "bytes in all)"));
    /* The error quotes the start of the key, not 16 MB of it. */
    CHECK(dd_last_error() != NULL && strlen(dd_last_error()) < 1024);
    dd_ruleset_free(bundled);
    free(doc);
}

static void test_exponential_predicate_graph(void) {
    char src[8192];
    size_t n = 0;
    append(src, sizeof src, &n,
           "ruleset \"g\" { version: \"1\" title: \"t\" source: \"s\" }\n"
           "facts { x: bool  y: bool }\npredicate p0 { x }\n");
    for (int i = 1; i < 30; i++) {
        char line[128];
        snprintf(line, sizeof line, "predicate p%d { (p%d and y) or (not p%d and x) }\n", i, i - 1, i - 1);
        append(src, sizeof src, &n, line);
    }
    append(src, sizeof src, &n,
           "flag A.graph { step: 1 severity: high title: \"t\" when: p29 }\n"
           "outcomes { go, stop }\n"
           "disposition { when any flags(raised) => stop  otherwise => go }\n");
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_compile(src, n, "graph.rules", &rules), DD_OK);
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, "{}", 2, &report), DD_OK);
    CHECK(contains(report, "\"missing\":[\"x\",\"y\"]"));
    dd_string_free(report);
    dd_ruleset_free(rules);
}

/* 2,000 flags cite one list of 100,000 parties: the report quotes the list
 * once, in `facts`, and each flag names it. */
static void test_evidence_is_bounded(void) {
    size_t cap = 256 * 1024;
    char *src = malloc(cap);
    if (src == NULL) exit(2);
    size_t n = 0;
    append(src, cap, &n,
           "ruleset \"e\" { version: \"1\" title: \"t\" source: \"s\" }\n"
           "record P { name: string }\nfacts { ps: list<P>  x: bool }\n");
    for (int i = 0; i < 2000; i++) {
        char line[160];
        snprintf(line, sizeof line,
                 "flag A.f%d { step: 1 severity: high title: \"t\" when: x  evidence: ps, x }\n", i);
        append(src, cap, &n, line);
    }
    append(src, cap, &n,
           "outcomes { go, stop }\ndisposition { when any flags(raised) => stop  otherwise => go }\n");
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_compile(src, n, "evidence.rules", &rules), DD_OK);
    free(src);
    if (rules == NULL) return;

    static const char party[] = "{\"name\": \"Ab\"},";
    size_t doc_cap = 64 + 100000 * (sizeof party - 1);
    char *doc = malloc(doc_cap);
    if (doc == NULL) exit(2);
    size_t d = 0;
    append(doc, doc_cap, &d, "{\"x\": true, \"ps\": [");
    for (int i = 0; i < 100000; i++) {
        memcpy(doc + d, party, sizeof party - 1);
        d += sizeof party - 1;
    }
    doc[d - 1] = ']';
    doc[d] = '\0';
    append(doc, doc_cap, &d, "}");
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, doc, d, &report), DD_OK);
    CHECK(contains(report, "\"facts\":{\"ps\":[{\"name\":\"Ab\"}"));
    CHECK(contains(report, "\"evidence\":[\"ps\",\"x\"]"));
    /* The quote budget (1 MiB plus twice the document) and what the
     * ruleset names: a few MB, not 4 GB. */
    CHECK(report != NULL && strlen(report) < (size_t)1024 * 1024 + 2 * d + 64 * n);
    dd_string_free(report);
    free(doc);
    dd_ruleset_free(rules);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_resources REPO_ROOT\n");
        return 2;
    }
    test_nested_quantifiers();
    test_realistic_facts_are_far_under(argv[1]);
    test_chain_on_a_small_stack();
    test_huge_unknown_key();
    test_exponential_predicate_graph();
    test_evidence_is_bounded();
    return finish("test_resources");
}
