/*
 * The error objects of the `_e` calls: a failure handed to the caller as a
 * dd_error, which does not depend on the thread that made the call.
 *
 * A Go goroutine or a Java virtual thread can make a call on one OS thread
 * and go on, before it reads the error, on another, whose last error is
 * another call's. These tests do the same with pthreads: a call fails on
 * thread A and its error object is read and freed on thread B while thread A
 * makes other failing calls that change its own last error.
 *
 * Also: every `_e` call gives the status and the texts that its plain twin
 * leaves in dd_last_error() and dd_last_error_json(); a success sets *error
 * to NULL; a NULL error makes an `_e` call its plain twin; *error is
 * overwritten, never freed, by the library; every object is freed once
 * (valgrind checks that nothing leaks and nothing freed is read).
 *
 * Usage: test_error_objects REPO_ROOT
 */
#include <pthread.h>

#include "check.h"

static const char GOOD[] =
    "ruleset \"t\" { version: \"1\" title: \"t\" source: \"t\" }\n"
    "facts { n: int }\n"
    "flag A.one { step: 1 severity: high title: \"x\" when: n > 1 }\n"
    "outcomes { proceed, escalate }\n"
    "disposition { when any flags(raised) => escalate  otherwise => proceed }\n";

/* An undefined fact on line 3. */
static const char BROKEN[] =
    "ruleset \"t\" { version: \"1\" title: \"t\" source: \"t\" }\n"
    "facts { n: int }\n"
    "flag A.one { step: 1 severity: high title: \"x\" when: m > 1 }\n"
    "outcomes { proceed }\n"
    "disposition { otherwise => proceed }\n";

/* Quantifiers nested over one list: 50 elements take far more than 100 steps. */
static const char NESTED[] =
    "ruleset \"n\" { version: \"1\" title: \"t\" source: \"s\" }\n"
    "record P { ok: bool }\n"
    "facts { ps: list<P> }\n"
    "flag F.deep { step: 1 severity: high title: \"deep\"\n"
    "  when: any(a in ps where any(b in ps where a.ok and b.ok)) }\n"
    "outcomes { go, stop }\n"
    "disposition { when any flags(raised) => stop  otherwise => go }\n";

/* A pointer that is not NULL, to see *error and out-parameters reset. */
static int sentinel_target;
#define SENTINEL ((void *)&sentinel_target)

/* A copy of a string the library owns, or NULL for NULL (free with free()). */
static char *copy(const char *s) {
    return s == NULL ? NULL : strdup(s);
}

/* Whether two strings, either of which may be NULL, are equal. */
static int same(const char *a, const char *b) {
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static char *nested_facts(size_t *len) {
    static char doc[64 + 50 * 16];
    size_t n = (size_t)snprintf(doc, sizeof doc, "{\"ps\": [");
    for (int i = 0; i < 50; i++) {
        n += (size_t)snprintf(doc + n, sizeof doc - n, "%s{\"ok\": false}", i == 0 ? "" : ",");
    }
    n += (size_t)snprintf(doc + n, sizeof doc - n, "]}");
    *len = n;
    return doc;
}

static void test_accessors_take_null(void) {
    /* No error object is no failure: DD_OK, and no texts. */
    CHECK(dd_error_status(NULL) == DD_OK);
    CHECK(dd_error_message(NULL) == NULL);
    CHECK(dd_error_json(NULL) == NULL);
    dd_error_free(NULL);
}

/*
 * One failing call made both ways: first the plain call, whose failure is
 * read from the thread's last error, then its `_e` twin, whose error object
 * must hold the same status and texts (and the last error is set as well).
 */
static void check_agree(int line, dd_status expected, dd_status plain, const char *message,
                        const char *json, dd_status with_object, const dd_error *error) {
    int ok = plain == expected && with_object == expected && error != NULL && error != SENTINEL;
    if (ok) {
        ok = dd_error_status(error) == expected && message != NULL && json != NULL &&
             same(dd_error_message(error), message) && same(dd_error_json(error), json) &&
             same(dd_last_error(), message) && same(dd_last_error_json(), json);
    }
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "  line %d: expected status %d, plain %d, _e %d\n  plain: %s\n  object: %s\n", line,
                (int)expected, (int)plain, (int)with_object, json != NULL ? json : "(none)",
                error != NULL && error != SENTINEL ? dd_error_json(error) : "(no object)");
    }
}

#define AGREE(expected, plain_call, e_call)                                                 \
    do {                                                                                    \
        dd_status plain_ = (plain_call);                                                    \
        char *message_ = copy(dd_last_error());                                             \
        char *json_ = copy(dd_last_error_json());                                           \
        error = SENTINEL;                                                                   \
        dd_status with_ = (e_call);                                                         \
        check_agree(__LINE__, (expected), plain_, message_, json_, with_, error);           \
        if (error != SENTINEL) dd_error_free(error);                                        \
        free(message_);                                                                     \
        free(json_);                                                                        \
    } while (0)

static void test_every_call_agrees_with_its_twin(dd_ruleset *rules) {
    dd_error *error = NULL;
    dd_ruleset *out = NULL;
    char *text = NULL;
    size_t good = strlen(GOOD);

    /* dd_ruleset_compile_e: every kind of failure it has. */
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_compile(NULL, 10, "t.rules", &out),
          dd_ruleset_compile_e(NULL, 10, "t.rules", &out, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_compile(GOOD, good, NULL, &out),
          dd_ruleset_compile_e(GOOD, good, NULL, &out, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_compile(GOOD, good, "t.rules", NULL),
          dd_ruleset_compile_e(GOOD, good, "t.rules", NULL, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_compile(GOOD, sizeof GOOD, "t.rules", &out),
          dd_ruleset_compile_e(GOOD, sizeof GOOD, "t.rules", &out, &error));
    AGREE(DD_ERR_INVALID_UTF8, dd_ruleset_compile("ruleset \"\xff\"", 11, "t.rules", &out),
          dd_ruleset_compile_e("ruleset \"\xff\"", 11, "t.rules", &out, &error));
    AGREE(DD_ERR_RULES, dd_ruleset_compile(BROKEN, strlen(BROKEN), "broken.rules", &out),
          dd_ruleset_compile_e(BROKEN, strlen(BROKEN), "broken.rules", &out, &error));
    AGREE(DD_ERR_RULES, dd_ruleset_compile(GOOD, 4u * 1024 * 1024 + 4, "big.rules", &out),
          dd_ruleset_compile_e(GOOD, 4u * 1024 * 1024 + 4, "big.rules", &out, &error));
    CHECK(out == NULL);

    /* dd_ruleset_bundled_e. */
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_bundled(NULL), dd_ruleset_bundled_e(NULL, &error));

    /* dd_ruleset_evaluate_json_e. */
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_evaluate_json(NULL, "{}", 2, &text),
          dd_ruleset_evaluate_json_e(NULL, "{}", 2, &text, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_evaluate_json(rules, NULL, 2, &text),
          dd_ruleset_evaluate_json_e(rules, NULL, 2, &text, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_evaluate_json(rules, "{}", 2, NULL),
          dd_ruleset_evaluate_json_e(rules, "{}", 2, NULL, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_evaluate_json(rules, "{}", SIZE_MAX, &text),
          dd_ruleset_evaluate_json_e(rules, "{}", SIZE_MAX, &text, &error));
    AGREE(DD_ERR_INVALID_UTF8, dd_ruleset_evaluate_json(rules, "{\"id\": \"\xc3\"}", 11, &text),
          dd_ruleset_evaluate_json_e(rules, "{\"id\": \"\xc3\"}", 11, &text, &error));
    AGREE(DD_ERR_FACTS, dd_ruleset_evaluate_json(rules, "[]", 2, &text),
          dd_ruleset_evaluate_json_e(rules, "[]", 2, &text, &error));
    const char *unknown = "{\"country\": {\"civic_spac\": 1}}";
    AGREE(DD_ERR_FACTS, dd_ruleset_evaluate_json(rules, unknown, strlen(unknown), &text),
          dd_ruleset_evaluate_json_e(rules, unknown, strlen(unknown), &text, &error));
    AGREE(DD_ERR_FACTS, dd_ruleset_evaluate_json(rules, "{}", 16u * 1024 * 1024 + 1, &text),
          dd_ruleset_evaluate_json_e(rules, "{}", 16u * 1024 * 1024 + 1, &text, &error));
    CHECK(text == NULL);

    /* dd_ruleset_with_budget_e, and DD_ERR_BUDGET from an evaluation. */
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_with_budget(rules, 0, &out),
          dd_ruleset_with_budget_e(rules, 0, &out, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_with_budget(NULL, 10, &out),
          dd_ruleset_with_budget_e(NULL, 10, &out, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_with_budget(rules, 10, NULL),
          dd_ruleset_with_budget_e(rules, 10, NULL, &error));
    dd_ruleset *nested = NULL, *small = NULL;
    CHECK_STATUS(dd_ruleset_compile(NESTED, strlen(NESTED), "n.rules", &nested), DD_OK);
    CHECK_STATUS(dd_ruleset_with_budget(nested, 100, &small), DD_OK);
    if (small != NULL) {
        size_t len = 0;
        const char *facts = nested_facts(&len);
        AGREE(DD_ERR_BUDGET, dd_ruleset_evaluate_json(small, facts, len, &text),
              dd_ruleset_evaluate_json_e(small, facts, len, &text, &error));
        /* The object's JSON is the budget's shape. */
        error = NULL;
        CHECK_STATUS(dd_ruleset_evaluate_json_e(small, facts, len, &text, &error), DD_ERR_BUDGET);
        CHECK(contains(dd_error_json(error), "{\"budget\":100,\"kind\":\"flag\",\"id\":\"F.deep\""));
        CHECK(contains(dd_error_message(error), "`F.deep`"));
        dd_error_free(error);
    }
    dd_ruleset_free(small);
    dd_ruleset_free(nested);

    /* dd_ruleset_check_e: it fails only on its arguments. */
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_check(GOOD, good, NULL, &text),
          dd_ruleset_check_e(GOOD, good, NULL, &text, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_check(GOOD, good, "t.rules", NULL),
          dd_ruleset_check_e(GOOD, good, "t.rules", NULL, &error));
    AGREE(DD_ERR_INVALID_UTF8, dd_ruleset_check(GOOD, good, "bad\xe2\x82.rules", &text),
          dd_ruleset_check_e(GOOD, good, "bad\xe2\x82.rules", &text, &error));

    /* dd_ruleset_warnings_json_e and dd_ruleset_json_schema_e. */
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_warnings_json(NULL, &text),
          dd_ruleset_warnings_json_e(NULL, &text, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_warnings_json(rules, NULL),
          dd_ruleset_warnings_json_e(rules, NULL, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_json_schema(NULL, &text),
          dd_ruleset_json_schema_e(NULL, &text, &error));
    AGREE(DD_ERR_INVALID_ARGUMENT, dd_ruleset_json_schema(rules, NULL),
          dd_ruleset_json_schema_e(rules, NULL, &error));
    CHECK(text == NULL);

    /* A NULL argument is named in the object, as in the last error. */
    error = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json_e(rules, NULL, 2, &text, &error), DD_ERR_INVALID_ARGUMENT);
    CHECK(contains(dd_error_json(error), "\"argument\":\"facts_json\""));
    CHECK(contains(dd_error_message(error), "`facts_json` is NULL"));
    dd_error_free(error);
}

/* Every `_e` call sets *error to NULL when it succeeds, whatever it held. */
static void test_success_sets_null(dd_ruleset *rules) {
    dd_error *error = SENTINEL;
    dd_ruleset *out = NULL;
    char *text = NULL;

    CHECK_STATUS(dd_ruleset_compile_e(GOOD, strlen(GOOD), "t.rules", &out, &error), DD_OK);
    CHECK(error == NULL);
    CHECK(dd_error_status(error) == DD_OK);
    dd_ruleset_free(out);

    error = SENTINEL;
    out = NULL;
    CHECK_STATUS(dd_ruleset_bundled_e(&out, &error), DD_OK);
    CHECK(error == NULL);

    dd_ruleset *budget = NULL;
    error = SENTINEL;
    CHECK_STATUS(dd_ruleset_with_budget_e(out, 1000000, &budget, &error), DD_OK);
    CHECK(error == NULL);
    dd_ruleset_free(budget);
    dd_ruleset_free(out);

    error = SENTINEL;
    CHECK_STATUS(dd_ruleset_evaluate_json_e(rules, "{}", 2, &text, &error), DD_OK);
    CHECK(error == NULL);
    CHECK(contains(text, "\"disposition\":"));
    dd_string_free(text);

    /* A ruleset with errors is a successful check. */
    error = SENTINEL;
    text = NULL;
    CHECK_STATUS(dd_ruleset_check_e(BROKEN, strlen(BROKEN), "broken.rules", &text, &error), DD_OK);
    CHECK(error == NULL);
    CHECK(contains(text, "\"severity\":\"error\""));
    dd_string_free(text);

    error = SENTINEL;
    text = NULL;
    CHECK_STATUS(dd_ruleset_warnings_json_e(rules, &text, &error), DD_OK);
    CHECK(error == NULL);
    dd_string_free(text);

    error = SENTINEL;
    text = NULL;
    CHECK_STATUS(dd_ruleset_json_schema_e(rules, &text, &error), DD_OK);
    CHECK(error == NULL);
    CHECK(contains(text, "2020-12"));
    dd_string_free(text);

    /* And a success clears the thread's last error, as the plain calls do. */
    CHECK(dd_last_error() == NULL);
    CHECK(dd_last_error_json() == NULL);
}

/* An `_e` call with a NULL error is its plain twin: the last error says why. */
static void test_null_error_is_the_plain_call(dd_ruleset *rules) {
    char *text = SENTINEL;
    CHECK_STATUS(dd_ruleset_evaluate_json_e(rules, "[]", 2, &text, NULL), DD_ERR_FACTS);
    CHECK(text == NULL);
    CHECK(contains(dd_last_error_json(), "\"path\":\"\""));
    dd_ruleset *out = SENTINEL;
    CHECK_STATUS(dd_ruleset_compile_e(BROKEN, strlen(BROKEN), "broken.rules", &out, NULL), DD_ERR_RULES);
    CHECK(out == NULL);
    CHECK(contains(dd_last_error(), "--> broken.rules:3:"));
    CHECK_STATUS(dd_ruleset_bundled_e(NULL, NULL), DD_ERR_INVALID_ARGUMENT);
    CHECK(contains(dd_last_error_json(), "\"argument\":\"out\""));
    text = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json_e(rules, "{}", 2, &text, NULL), DD_OK);
    CHECK(dd_last_error() == NULL);
    dd_string_free(text);
}

/* The object is the caller's: later calls on the thread, which replace and
 * clear its last error, leave it as it was. */
static void test_object_outlives_the_last_error(dd_ruleset *rules) {
    dd_error *error = NULL;
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json_e(rules, "{\"nope\": 1}", 11, &report, &error), DD_ERR_FACTS);
    CHECK(error != NULL);
    if (error == NULL) return;
    char *message = copy(dd_error_message(error));
    char *json = copy(dd_error_json(error));
    CHECK(contains(message, "`nope`"));
    CHECK(contains(json, "\"path\":\"nope\""));

    /* Another failure replaces the last error; a success clears it. */
    CHECK_STATUS(dd_ruleset_bundled(NULL), DD_ERR_INVALID_ARGUMENT);
    CHECK(!same(dd_last_error(), message));
    CHECK_STATUS(dd_ruleset_evaluate_json(rules, "{}", 2, &report), DD_OK);
    CHECK(dd_last_error() == NULL);
    dd_string_free(report);

    CHECK(dd_error_status(error) == DD_ERR_FACTS);
    CHECK(same(dd_error_message(error), message));
    CHECK(same(dd_error_json(error), json));
    /* The strings are the object's own, stable while it lives. */
    CHECK(dd_error_message(error) == dd_error_message(error));
    dd_error_free(error);
    free(message);
    free(json);
}

/* The library overwrites *error and never frees what it held: the caller
 * frees each object it was given (valgrind sees a double free or a read of
 * freed memory otherwise). */
static void test_error_is_overwritten_not_freed(dd_ruleset *rules) {
    dd_error *first = NULL;
    char *report = NULL;
    CHECK_STATUS(dd_ruleset_evaluate_json_e(rules, "[]", 2, &report, &first), DD_ERR_FACTS);
    dd_error *slot = first;
    CHECK_STATUS(dd_ruleset_bundled_e(NULL, &slot), DD_ERR_INVALID_ARGUMENT);
    CHECK(slot != NULL && slot != first);
    CHECK(dd_error_status(first) == DD_ERR_FACTS);
    CHECK(dd_error_status(slot) == DD_ERR_INVALID_ARGUMENT);
    dd_error_free(slot);
    slot = first;
    CHECK_STATUS(dd_ruleset_evaluate_json_e(rules, "{}", 2, &report, &slot), DD_OK);
    CHECK(slot == NULL);
    CHECK(contains(dd_error_json(first), "\"path\":\"\""));
    dd_string_free(report);
    dd_error_free(first);
}

/*
 * A call fails on thread A; its error object goes to thread B, as a
 * goroutine's continuation would after moving to another OS thread. B reads
 * it while A makes other failing calls, which change A's last error; then B
 * reads it again and frees it.
 */
#define A_CALLS 100
#define B_READS 1000

struct handoff {
    const dd_ruleset *rules;
    pthread_barrier_t barrier;
    dd_error *error; /* made on A, read and freed on B */
    int a_failures;  /* A's broken expectations */
    int b_failures;  /* B's broken expectations */
};

static void *thread_a(void *arg) {
    struct handoff *h = arg;
    static const char facts[] = "{\"field_on_thread_a\": true}";
    char *report = SENTINEL;
    if (dd_ruleset_evaluate_json_e(h->rules, facts, strlen(facts), &report, &h->error) != DD_ERR_FACTS) {
        h->a_failures++;
    }
    if (report != NULL || h->error == NULL) h->a_failures++;
    pthread_barrier_wait(&h->barrier); /* 1: the object is B's now */

    /* Meanwhile, A's last error changes again and again. */
    for (int i = 0; i < A_CALLS; i++) {
        dd_ruleset *out = NULL;
        dd_error *mine = NULL;
        switch (i % 3) {
        case 0:
            if (dd_ruleset_compile_e(BROKEN, strlen(BROKEN), "broken.rules", &out, &mine) != DD_ERR_RULES ||
                !contains(dd_last_error(), "error[DD") || !same(dd_last_error(), dd_error_message(mine))) {
                h->a_failures++;
            }
            break;
        case 1:
            if (dd_ruleset_bundled(NULL) != DD_ERR_INVALID_ARGUMENT ||
                !contains(dd_last_error_json(), "\"argument\":\"out\"")) {
                h->a_failures++;
            }
            break;
        default:
            if (dd_ruleset_evaluate_json_e(h->rules, "{\"other\": 1}", 12, &report, &mine) != DD_ERR_FACTS ||
                !contains(dd_last_error_json(), "\"path\":\"other\"")) {
                h->a_failures++;
            }
            break;
        }
        dd_error_free(mine);
    }
    /* A's last error is its latest failure, not the one B holds. */
    if (contains(dd_last_error(), "field_on_thread_a")) h->a_failures++;
    pthread_barrier_wait(&h->barrier); /* 2: A is done */
    return NULL;
}

/* Whether the object B was handed is A's first failure, whole. */
static int is_a_first_failure(const dd_error *error, const char *message, const char *json) {
    return dd_error_status(error) == DD_ERR_FACTS && same(dd_error_message(error), message) &&
           same(dd_error_json(error), json);
}

static void *thread_b(void *arg) {
    struct handoff *h = arg;
    pthread_barrier_wait(&h->barrier); /* 1 */
    const dd_error *error = h->error;
    char *message = copy(dd_error_message(error));
    char *json = copy(dd_error_json(error));
    if (!contains(message, "`field_on_thread_a`")) h->b_failures++;
    if (!contains(json, "\"path\":\"field_on_thread_a\",\"line\":1,\"column\":")) h->b_failures++;
    /* B made no call: its own last error knows nothing of A's failure. */
    if (dd_last_error() != NULL || dd_last_error_json() != NULL) h->b_failures++;
    for (int i = 0; i < B_READS; i++) {
        if (!is_a_first_failure(error, message, json)) h->b_failures++;
    }
    pthread_barrier_wait(&h->barrier); /* 2: every call of A has run */
    if (!is_a_first_failure(error, message, json)) h->b_failures++;
    /* Freed on another thread than the one that made it. */
    dd_error_free(h->error);
    h->error = NULL;
    free(message);
    free(json);
    return NULL;
}

static void test_handed_to_another_thread(const dd_ruleset *rules) {
    struct handoff h = {.rules = rules};
    CHECK(pthread_barrier_init(&h.barrier, NULL, 2) == 0);
    pthread_t a, b;
    CHECK(pthread_create(&a, NULL, thread_a, &h) == 0);
    CHECK(pthread_create(&b, NULL, thread_b, &h) == 0);
    CHECK(pthread_join(a, NULL) == 0);
    CHECK(pthread_join(b, NULL) == 0);
    pthread_barrier_destroy(&h.barrier);
    CHECK(h.a_failures == 0);
    CHECK(h.b_failures == 0);
    CHECK(h.error == NULL);
}

/*
 * Eight threads each fail with their own field, then pass their error
 * objects round a ring: each reads and frees its neighbour's while every
 * thread keeps failing with new errors of its own.
 */
#define RING 8

static const dd_ruleset *ring_rules;
static pthread_barrier_t ring_barrier;
static dd_error *ring_errors[RING];

struct ring_result {
    int index;
    int failures;
};

static void *ring_worker(void *arg) {
    struct ring_result *r = arg;
    char facts[64];
    int n = snprintf(facts, sizeof facts, "{\"field_of_thread_%d\": true}", r->index);
    char *report = NULL;
    if (dd_ruleset_evaluate_json_e(ring_rules, facts, (size_t)n, &report, &ring_errors[r->index]) !=
        DD_ERR_FACTS) {
        r->failures++;
    }
    pthread_barrier_wait(&ring_barrier);

    int next = (r->index + 1) % RING;
    char in_json[64], in_message[64];
    snprintf(in_json, sizeof in_json, "\"path\":\"field_of_thread_%d\"", next);
    snprintf(in_message, sizeof in_message, "`field_of_thread_%d`", next);
    for (int round = 0; round < 20; round++) {
        /* A new failure of this thread's own, with and without an object. */
        dd_error *mine = NULL;
        if (dd_ruleset_evaluate_json_e(ring_rules, "[]", 2, &report, round % 2 ? &mine : NULL) != DD_ERR_FACTS) {
            r->failures++;
        }
        dd_error_free(mine);
        const dd_error *theirs = ring_errors[next];
        if (dd_error_status(theirs) != DD_ERR_FACTS || !contains(dd_error_json(theirs), in_json) ||
            !contains(dd_error_message(theirs), in_message)) {
            r->failures++;
        }
    }
    pthread_barrier_wait(&ring_barrier);
    dd_error_free(ring_errors[next]);
    return NULL;
}

static void test_ring_of_threads(const dd_ruleset *rules) {
    ring_rules = rules;
    CHECK(pthread_barrier_init(&ring_barrier, NULL, RING) == 0);
    pthread_t threads[RING];
    struct ring_result results[RING];
    for (int t = 0; t < RING; t++) {
        results[t] = (struct ring_result){.index = t};
        CHECK(pthread_create(&threads[t], NULL, ring_worker, &results[t]) == 0);
    }
    for (int t = 0; t < RING; t++) {
        CHECK(pthread_join(threads[t], NULL) == 0);
        CHECK(results[t].failures == 0);
    }
    pthread_barrier_destroy(&ring_barrier);
}

/* Many error objects made and freed: nothing leaks (valgrind counts). */
static void test_repeated_failures(dd_ruleset *rules) {
    for (int i = 0; i < 200; i++) {
        dd_error *error = NULL;
        char *report = NULL;
        CHECK_STATUS(dd_ruleset_evaluate_json_e(rules, "{\"nope\": 1}", 11, &report, &error), DD_ERR_FACTS);
        dd_error_free(error);
        if (i % 20 == 0) {
            dd_ruleset *out = NULL;
            error = NULL;
            CHECK_STATUS(dd_ruleset_compile_e(BROKEN, strlen(BROKEN), "broken.rules", &out, &error), DD_ERR_RULES);
            CHECK(dd_error_json(error) != NULL && dd_error_json(error)[0] == '[');
            dd_error_free(error);
        }
    }
}

int main(int argc, char **argv) {
    (void)argv;
    if (argc != 2) {
        fprintf(stderr, "usage: test_error_objects REPO_ROOT\n");
        return 2;
    }
    dd_error *error = SENTINEL;
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_bundled_e(&rules, &error), DD_OK);
    CHECK(error == NULL);
    if (rules == NULL) return finish("test_error_objects");

    test_accessors_take_null();
    test_every_call_agrees_with_its_twin(rules);
    test_success_sets_null(rules);
    test_null_error_is_the_plain_call(rules);
    test_object_outlives_the_last_error(rules);
    test_error_is_overwritten_not_freed(rules);
    test_handed_to_another_thread(rules);
    test_ring_of_threads(rules);
    test_repeated_failures(rules);

    dd_ruleset_free(rules);
    return finish("test_error_objects");
}
