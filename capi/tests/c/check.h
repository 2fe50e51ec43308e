/*
 * A tiny test harness for the C tests of dd-rules: CHECK records a failure and
 * goes on, so one run reports every broken expectation; finish() prints the
 * closing line and gives the exit code.
 */
#ifndef DD_CHECK_H
#define DD_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dd_rules.h"

static int checks_passed;
static int checks_failed;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (cond) {                                                                 \
            checks_passed++;                                                        \
        } else {                                                                    \
            checks_failed++;                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            const char *last_ = dd_last_error();                                    \
            if (last_ != NULL) fprintf(stderr, "  last error: %s\n", last_);        \
        }                                                                           \
    } while (0)

/* A status check that prints the status and the last error when it fails. */
#define CHECK_STATUS(call, expected)                                                \
    do {                                                                            \
        dd_status got_ = (call);                                                    \
        if (got_ == (expected)) {                                                   \
            checks_passed++;                                                        \
        } else {                                                                    \
            checks_failed++;                                                        \
            const char *last_ = dd_last_error();                                    \
            fprintf(stderr, "%s:%d: %s gave status %d, expected %s (%d)\n  last error: %s\n", \
                    __FILE__, __LINE__, #call, (int)got_, #expected, (int)(expected), \
                    last_ != NULL ? last_ : "(none)");                              \
        }                                                                           \
    } while (0)

/* Whether `haystack` is not NULL and contains `needle`. */
static inline int contains(const char *haystack, const char *needle) {
    return haystack != NULL && strstr(haystack, needle) != NULL;
}

/* Reads a whole file into a new NUL-terminated buffer (free with free()), or exits. */
static inline char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            char *bigger = realloc(buf, cap);
            if (bigger == NULL) free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    if (buf == NULL) {
        fprintf(stderr, "out of memory reading %s\n", path);
        exit(2);
    }
    buf[n] = '\0';
    if (len != NULL) *len = n;
    return buf;
}

/* Prints the closing line and returns the exit code. */
static inline int finish(const char *name) {
    printf("%s: %d passed, %d failed\n", name, checks_passed, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}

#endif /* DD_CHECK_H */
