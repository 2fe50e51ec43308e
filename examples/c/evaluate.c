/*
 * Evaluates one transaction with the bundled ruleset and prints the
 * disposition and the JSON report; with a second argument, compiles that
 * ruleset instead.
 *
 * Build and run, from the repository root:
 *
 *   cargo build --release -p dd-rules-capi
 *   cc -std=c11 -Wall -I capi/include examples/c/evaluate.c \
 *      target/release/libdd_rules_capi.a -lpthread -ldl -lm -o evaluate
 *   ./evaluate examples/transactions/partial-facts.json
 *
 * Every call returns a dd_status; on failure dd_last_error() says why. What
 * the library hands out through `char **` is freed with dd_string_free(), a
 * ruleset with dd_ruleset_free().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dd_rules.h"

/* Reads a whole file; the caller frees the buffer. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 65536;
            char *bigger = realloc(buf, cap);
            if (bigger == NULL) break;
            buf = bigger;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        if (n == 0) break;
        *len += n;
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s FACTS.json [RULES.rules]\n", argv[0]);
        return 2;
    }
    int code = 1;
    size_t facts_len = 0, rules_len = 0;
    char *facts = read_file(argv[1], &facts_len);
    char *source = argc == 3 ? read_file(argv[2], &rules_len) : NULL;
    dd_ruleset *rules = NULL;
    char *report = NULL;

    if (facts == NULL || (argc == 3 && source == NULL)) {
        fprintf(stderr, "error: cannot read the input files\n");
        goto done;
    }
    /* The texts are (pointer, length): no terminating NUL is needed. */
    dd_status status = argc == 3 ? dd_ruleset_compile(source, rules_len, argv[2], &rules)
                                 : dd_ruleset_bundled(&rules);
    if (status != DD_OK) {
        fprintf(stderr, "%s\n", dd_last_error());
        goto done;
    }
    if (dd_ruleset_evaluate_json(rules, facts, facts_len, &report) != DD_OK) {
        /* For programs, dd_last_error_json() gives {"path", "line", "column", "message"}. */
        fprintf(stderr, "error: %s is rejected: %s\n", argv[1], dd_last_error());
        goto done;
    }
    const char *disposition = strstr(report, "\"disposition\":\"");
    if (disposition != NULL) {
        disposition += strlen("\"disposition\":\"");
        printf("disposition: %.*s\n", (int)strcspn(disposition, "\""), disposition);
    }
    printf("%s\n", report);
    code = 0;

done:
    dd_string_free(report);   /* freeing NULL is a no-op */
    dd_ruleset_free(rules);
    free(source);
    free(facts);
    return code;
}
