/*
 * Leaks on purpose: a report and a ruleset handle are never freed. Under
 * valgrind this program must fail with "definitely lost", which shows that
 * the leak check (and its suppressions) would see a real leak.
 *
 * Usage: leak_canary REPO_ROOT
 */
#include "check.h"

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_bundled(&rules), DD_OK);
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, "{}", 2, &report), DD_OK);
    CHECK(contains(report, "\"disposition\":"));
    /* Neither dd_string_free(report) nor dd_ruleset_free(rules). */
    return finish("leak_canary");
}
