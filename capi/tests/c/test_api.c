/*
 * The C ABI as an integrator uses it: compile the bundled ruleset and a
 * source string, evaluate facts, read the report, the diagnostics, the
 * warnings and the schema, and free everything.
 *
 * Usage: test_api REPO_ROOT
 */
#include "check.h"

static const char SOURCE[] =
    "ruleset \"example\" { version: \"1\" title: \"Example\" source: \"Internal policy\" }\n"
    "enum Civic { open, narrowed, obstructed, repressed, closed }\n"
    "record Country { civic_space: Civic  freedom_score: int }\n"
    "facts { country: Country }\n"
    "safeguard contract.cutoff { step: 6 title: \"Right to cut off support\" when: false }\n"
    "flag S3.closed_civic_space {\n"
    "    step: 3  severity: high  title: \"Civic space is repressed or closed\"\n"
    "    when: country.civic_space >= repressed or country.freedom_score < 35\n"
    "    mitigated_by: contract.cutoff\n"
    "}\n"
    "outcomes { proceed, escalate }\n"
    "disposition {\n"
    "    when any flags(raised, unmitigated) or any flags(unknown) => escalate\n"
    "    otherwise => proceed\n"
    "}\n";

/* The same ruleset with a predicate nobody uses: it compiles, with a warning. */
static const char UNUSED_PREDICATE[] = "predicate never_used { country.freedom_score > 90 }\n";

static void test_version(void) {
    const char *v = dd_version();
    CHECK(v != NULL);
    CHECK(strlen(v) >= 5);
    CHECK(strchr(v, '.') != NULL);
}

static void test_source_string(void) {
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_compile(SOURCE, strlen(SOURCE), "example.rules", &rules), DD_OK);
    CHECK(rules != NULL);
    CHECK(dd_last_error() == NULL);
    CHECK(dd_last_error_json() == NULL);
    CHECK(strcmp(dd_ruleset_name(rules), "example") == 0);
    CHECK(strcmp(dd_ruleset_version(rules), "1") == 0);

    /* One fact known, one missing: the flag is unknown and names the missing fact. */
    const char *facts = "{\"id\": \"T-1\", \"country\": {\"civic_space\": \"open\"}}";
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, facts, strlen(facts), &report), DD_OK);
    CHECK(contains(report, "\"transaction\":\"T-1\""));
    CHECK(contains(report, "\"disposition\":\"escalate\""));
    CHECK(contains(report, "\"status\":\"unknown\""));
    CHECK(contains(report, "\"missing\":[\"country.freedom_score\"]"));
    CHECK(contains(report, "\"notice\":\"a recommendation for human review, not a legal clearance\""));
    dd_string_free(report);

    /* The text need not be NUL-terminated: only `len` bytes are read. */
    const char padded[] = "{\"country\": {\"civic_space\": \"closed\"}}GARBAGE AFTER THE END";
    size_t len = strlen(padded) - strlen("GARBAGE AFTER THE END");
    report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, padded, len, &report), DD_OK);
    CHECK(contains(report, "\"status\":\"raised\""));
    CHECK(contains(report, "\"transaction\":null"));
    dd_string_free(report);

    /* Nor the source. */
    char *source = malloc(sizeof SOURCE - 1);
    CHECK(source != NULL);
    if (source != NULL) {
        memcpy(source, SOURCE, sizeof SOURCE - 1);
        dd_ruleset *again = NULL;
        CHECK_STATUS(dd_ruleset_compile(source, sizeof SOURCE - 1, "copy.rules", &again), DD_OK);
        free(source); /* the ruleset keeps its own copy */
        report = NULL;
        CHECK_STATUS(dd_ruleset_evaluate_json(again, "{}", 2, &report), DD_OK);
        CHECK(contains(report, "\"disposition\":\"escalate\""));
        dd_string_free(report);
        dd_ruleset_free(again);
    }

    /* A clean ruleset has no warnings. */
    char *warnings = NULL;
    CHECK_STATUS(dd_ruleset_warnings_json(rules, &warnings), DD_OK);
    CHECK(warnings != NULL && strcmp(warnings, "[]") == 0);
    dd_string_free(warnings);

    /* The schema names the root facts. */
    char *schema = NULL;
    CHECK_STATUS(dd_ruleset_json_schema(rules, &schema), DD_OK);
    CHECK(contains(schema, "\"civic_space\""));
    CHECK(contains(schema, "2020-12"));
    dd_string_free(schema);

    /* A report outlives its ruleset. */
    report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, "{}", 2, &report), DD_OK);
    dd_ruleset_free(rules);
    CHECK(contains(report, "\"name\":\"example\""));
    dd_string_free(report);
}

static void test_warnings(void) {
    size_t n = strlen(SOURCE) + strlen(UNUSED_PREDICATE);
    char *source = malloc(n + 1);
    CHECK(source != NULL);
    if (source == NULL) return;
    strcpy(source, SOURCE);
    strcat(source, UNUSED_PREDICATE);

    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_compile(source, n, "warn.rules", &rules), DD_OK);
    char *warnings = NULL;
    CHECK_STATUS(dd_ruleset_warnings_json(rules, &warnings), DD_OK);
    CHECK(contains(warnings, "\"severity\":\"warning\""));
    CHECK(contains(warnings, "never_used"));
    CHECK(contains(warnings, "\"file\":\"warn.rules\""));
    dd_string_free(warnings);
    dd_ruleset_free(rules);

    /* dd_ruleset_check gives the same warning without compiling. */
    char *diagnostics = NULL;
    CHECK_STATUS(dd_ruleset_check(source, n, "warn.rules", &diagnostics), DD_OK);
    CHECK(contains(diagnostics, "never_used"));
    CHECK(!contains(diagnostics, "\"severity\":\"error\""));
    dd_string_free(diagnostics);

    /* And every error of a broken ruleset, with DD_OK: the check ran. */
    const char *broken = "ruleset \"x\" { version: \"1\" title: \"x\" source: \"x\" }\n"
                         "facts { n: int }\n"
                         "flag A.one { step: 1 severity: high title: \"x\" when: m > 1 }\n"
                         "outcomes { proceed }\n"
                         "disposition { otherwise => proceed }\n";
    diagnostics = NULL;
    CHECK_STATUS(dd_ruleset_check(broken, strlen(broken), "broken.rules", &diagnostics), DD_OK);
    CHECK(contains(diagnostics, "\"severity\":\"error\""));
    CHECK(contains(diagnostics, "\"code\":\"DD0"));
    CHECK(contains(diagnostics, "\"line\":3"));
    CHECK(dd_last_error() == NULL);
    dd_string_free(diagnostics);
    free(source);
}

static void test_bundled(const char *root) {
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_bundled(&rules), DD_OK);
    CHECK(rules != NULL);
    CHECK(strcmp(dd_ruleset_name(rules), "us-state-2020") == 0);
    CHECK(dd_ruleset_version(rules) != NULL);

    /* Two handles on the bundled ruleset are independent: freeing one leaves the other. */
    dd_ruleset *second = NULL;
    CHECK_STATUS(dd_ruleset_bundled(&second), DD_OK);
    CHECK(second != NULL && second != rules);
    dd_ruleset_free(second);

    char path[4096];
    snprintf(path, sizeof path, "%s/examples/transactions/partial-facts.json", root);
    size_t len = 0;
    char *facts = read_file(path, &len);
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, facts, len, &report), DD_OK);
    CHECK(contains(report, "\"transaction\":\"example-e-partial-facts\""));
    CHECK(contains(report, "\"disposition\":\"gather_facts\""));
    CHECK(contains(report, "\"missing_facts\":[\""));
    CHECK(contains(report, "\"source\":\"Freedom House"));
    dd_string_free(report);
    free(facts);

    snprintf(path, sizeof path, "%s/examples/transactions/face-recognition-national-police.json", root);
    facts = read_file(path, &len);
    report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, facts, len, &report), DD_OK);
    CHECK(contains(report, "\"disposition\":\"do_not_proceed\""));
    CHECK(contains(report, "\"status\":\"raised\""));
    dd_string_free(report);
    free(facts);

    dd_ruleset_free(rules);
}

/* The last error is cleared by the next successful call. */
static void test_last_error_cleared(void) {
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_bundled(&rules), DD_OK);
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, "[]", 2, &report), DD_ERR_FACTS);
    CHECK(dd_last_error() != NULL);
    CHECK(dd_last_error_json() != NULL);
    /* Calls that return no status leave it alone. */
    CHECK(dd_ruleset_name(rules) != NULL);
    dd_string_free(NULL);
    CHECK(dd_last_error() != NULL);
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, "{}", 2, &report), DD_OK);
    CHECK(dd_last_error() == NULL);
    CHECK(dd_last_error_json() == NULL);
    dd_string_free(report);
    dd_ruleset_free(rules);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s REPO_ROOT\n", argv[0]);
        return 2;
    }
    test_version();
    test_source_string();
    test_warnings();
    test_bundled(argv[1]);
    test_last_error_cleared();
    return finish("test_api");
}
