/*
 * A panic inside the library comes back as DD_ERR_PANIC with its message,
 * never as an abort or an unwind into C, and the library stays usable.
 *
 * dd_test_panic and dd_test_panic_e exist only in a library built with the
 * `test-hooks` feature, so they are declared here, not in the header.
 *
 * Usage: test_panic REPO_ROOT
 */
#include "check.h"

dd_status dd_test_panic(const char *message);
dd_status dd_test_panic_e(const char *message, dd_error **error);

/* A panic in an `_e` call comes back as an error object too, with the same
 * texts as the last error. */
static void test_panic_as_an_error_object(void) {
    dd_error *error = NULL;
    CHECK_STATUS(dd_test_panic_e("caught in an _e call", &error), DD_ERR_PANIC);
    CHECK(dd_error_status(error) == DD_ERR_PANIC);
    CHECK(contains(dd_error_message(error), "internal error in dd-rules"));
    CHECK(contains(dd_error_message(error), "caught in an _e call"));
    CHECK(contains(dd_error_json(error), "{\"message\":\"internal error in dd-rules"));
    CHECK(dd_error_message(error) != NULL && strcmp(dd_error_message(error), dd_last_error()) == 0);
    CHECK(dd_error_json(error) != NULL && strcmp(dd_error_json(error), dd_last_error_json()) == 0);
    dd_error_free(error);

    error = NULL;
    CHECK_STATUS(dd_test_panic_e(NULL, &error), DD_ERR_INVALID_ARGUMENT);
    CHECK(contains(dd_error_json(error), "\"argument\":\"message\""));
    dd_error_free(error);

    /* Without an error object, the last error alone. */
    CHECK_STATUS(dd_test_panic_e("no object", NULL), DD_ERR_PANIC);
    CHECK(contains(dd_last_error(), "no object"));

    for (int i = 0; i < 20; i++) {
        error = NULL;
        CHECK_STATUS(dd_test_panic_e("again", &error), DD_ERR_PANIC);
        CHECK(error != NULL);
        dd_error_free(error);
    }
}

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
    test_panic_as_an_error_object();
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
