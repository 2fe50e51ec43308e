/*
 * A panic inside the library comes back as DD_ERR_PANIC with its message,
 * never as an abort or an unwind into C, and the library stays usable.
 *
 * dd_test_panic exists only in a library built with the `test-hooks`
 * feature, so it is declared here, not in the header.
 *
 * Usage: test_panic REPO_ROOT
 */
#include "check.h"

dd_status dd_test_panic(const char *message);

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    CHECK_STATUS(dd_test_panic("something impossible happened"), DD_ERR_PANIC);
    CHECK(contains(dd_last_error(), "internal error in dd-rules"));
    CHECK(contains(dd_last_error(), "something impossible happened"));
    CHECK(contains(dd_last_error_json(), "\"message\":\"internal error in dd-rules"));

    /* The hook checks its argument like any entry point. */
    CHECK_STATUS(dd_test_panic(NULL), DD_ERR_INVALID_ARGUMENT);

    /* Panic again and again: nothing leaks, and the library still works. */
    for (int i = 0; i < 20; i++) {
        CHECK_STATUS(dd_test_panic("again"), DD_ERR_PANIC);
    }
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_bundled(&rules), DD_OK);
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, "{}", 2, &report), DD_OK);
    CHECK(contains(report, "\"disposition\":"));
    CHECK(dd_last_error() == NULL);
    dd_string_free(report);
    dd_ruleset_free(rules);
    return finish("test_panic");
}
