/*
 * Eight threads share one ruleset and evaluate at the same time: every report
 * must be byte for byte the one computed alone, and each thread's last error
 * must be its own.
 *
 * Usage: test_threads REPO_ROOT
 */
#include <pthread.h>

#include "check.h"

#define THREADS 8
#define ROUNDS 6

static const char *const EXAMPLES[] = {
    "analytics-strong-safeguards.json",
    "face-recognition-national-police.json",
    "partial-facts.json",
    "reseller-undisclosed-end-user.json",
    "traffic-cameras-city.json",
};
#define EXAMPLE_COUNT (sizeof EXAMPLES / sizeof EXAMPLES[0])

static const dd_ruleset *shared;
static char *facts[EXAMPLE_COUNT];
static size_t facts_len[EXAMPLE_COUNT];
static char *expected[EXAMPLE_COUNT];
static pthread_barrier_t barrier;

struct result {
    int index;
    int mismatches;
    int failures;
    int wrong_error;
};

static void *worker(void *arg) {
    struct result *r = arg;

    /* Everyone starts at once. */
    pthread_barrier_wait(&barrier);
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t i = 0; i < EXAMPLE_COUNT; i++) {
            size_t k = (i + (size_t)r->index) % EXAMPLE_COUNT;
            char *report = NULL;
            if (dd_ruleset_evaluate_json(shared, facts[k], facts_len[k], &report) != DD_OK) {
                r->failures++;
                continue;
            }
            if (strcmp(report, expected[k]) != 0) r->mismatches++;
            dd_string_free(report);
        }
    }

    /* Each thread fails with its own field, waits until every thread has
     * failed, and must still see its own error. */
    char bad[64];
    int n = snprintf(bad, sizeof bad, "{\"field_of_thread_%d\": true}", r->index);
    char *report = NULL;
    if (dd_ruleset_evaluate_json(shared, bad, (size_t)n, &report) != DD_ERR_FACTS) r->failures++;
    pthread_barrier_wait(&barrier);
    char needle[64];
    snprintf(needle, sizeof needle, "field_of_thread_%d`", r->index);
    if (!contains(dd_last_error(), needle) || !contains(dd_last_error_json(), needle + 0)) {
        r->wrong_error++;
    }
    /* A success on this thread clears only this thread's error. */
    pthread_barrier_wait(&barrier);
    if (r->index == 0) {
        if (dd_ruleset_evaluate_json(shared, "{}", 2, &report) != DD_OK) r->failures++;
        dd_string_free(report);
        if (dd_last_error() != NULL) r->wrong_error++;
    }
    pthread_barrier_wait(&barrier);
    if (r->index != 0 && !contains(dd_last_error(), needle)) r->wrong_error++;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_threads REPO_ROOT\n");
        return 2;
    }
    dd_ruleset *rules = NULL;
    CHECK_STATUS(dd_ruleset_bundled(&rules), DD_OK);
    if (rules == NULL) return finish("test_threads");
    shared = rules;

    /* The expected reports, computed on one thread. */
    for (size_t i = 0; i < EXAMPLE_COUNT; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/examples/transactions/%s", argv[1], EXAMPLES[i]);
        facts[i] = read_file(path, &facts_len[i]);
        CHECK_STATUS(dd_ruleset_evaluate_json(rules, facts[i], facts_len[i], &expected[i]), DD_OK);
    }

    CHECK(pthread_barrier_init(&barrier, NULL, THREADS) == 0);
    pthread_t threads[THREADS];
    struct result results[THREADS];
    for (int t = 0; t < THREADS; t++) {
        results[t] = (struct result){.index = t};
        CHECK(pthread_create(&threads[t], NULL, worker, &results[t]) == 0);
    }
    int evaluations = 0;
    for (int t = 0; t < THREADS; t++) {
        CHECK(pthread_join(threads[t], NULL) == 0);
        CHECK(results[t].failures == 0);
        CHECK(results[t].mismatches == 0);
        CHECK(results[t].wrong_error == 0);
        evaluations += ROUNDS * (int)EXAMPLE_COUNT;
    }
    pthread_barrier_destroy(&barrier);
    printf("%d evaluations on %d threads sharing one ruleset\n", evaluations, THREADS);

    /* The threads' errors never reached this one. */
    CHECK(dd_last_error() == NULL);

    for (size_t i = 0; i < EXAMPLE_COUNT; i++) {
        free(facts[i]);
        dd_string_free(expected[i]);
    }
    dd_ruleset_free(rules);
    return finish("test_threads");
}
