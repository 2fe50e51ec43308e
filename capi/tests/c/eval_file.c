/*
 * Prints the report of the bundled ruleset on one facts file, as compact
 * JSON, so that the Rust test can compare it with the Rust API's report.
 *
 * Usage: eval_file FACTS.json
 */
#include <stdio.h>
#include <stdlib.h>

#include "dd_rules.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: eval_file FACTS.json\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 2;
    }
    static char facts[1 << 20];
    size_t len = fread(facts, 1, sizeof facts, f);
    fclose(f);

    dd_ruleset *rules = NULL;
    char *report = NULL;
    int code = 0;
    if (dd_ruleset_bundled(&rules) != DD_OK ||
        dd_ruleset_evaluate_json(rules, facts, len, &report) != DD_OK) {
        fprintf(stderr, "%s\n", dd_last_error());
        code = 1;
    } else {
        printf("%s\n", report);
    }
    dd_string_free(report);
    dd_ruleset_free(rules);
    return code;
}
