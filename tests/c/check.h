/* A small test harness for the corsguard C tests: a test case is a function; CHECK records a failure for the
 * running case and goes on. check_finish() prints "<suite>: N passed, M failed" (cases, not checks) last. */
#ifndef CORSGUARD_TEST_CHECK_H
#define CORSGUARD_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_cases_passed;
static int check_cases_failed;
static int check_case_failures;
static const char *check_case_name = "";

#define CHECK(cond)                                                                                  \
    do {                                                                                             \
        if (!(cond)) {                                                                               \
            check_case_failures++;                                                                   \
            fprintf(stderr, "%s:%d: [%s] CHECK failed: %s\n", __FILE__, __LINE__, check_case_name, #cond); \
        }                                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                                                  \
    do {                                                                                                \
        unsigned long long check_a_ = (unsigned long long)(a), check_b_ = (unsigned long long)(b);       \
        if (check_a_ != check_b_) {                                                                     \
            check_case_failures++;                                                                      \
            fprintf(stderr, "%s:%d: [%s] CHECK_EQ failed: %s == %s (%llu != %llu)\n", __FILE__, __LINE__,  \
                    check_case_name, #a, #b, check_a_, check_b_);                                       \
        }                                                                                               \
    } while (0)

/* Equal byte strings: (pointer, length) against (pointer, length). */
#define CHECK_BYTES(p, n, q, m)                                                                          \
    do {                                                                                                 \
        size_t check_n_ = (size_t)(n), check_m_ = (size_t)(m);                                           \
        if (check_n_ != check_m_ || (check_n_ > 0 && memcmp((p), (q), check_n_) != 0)) {                   \
            check_case_failures++;                                                                       \
            fprintf(stderr, "%s:%d: [%s] CHECK_BYTES failed: %s (%zu bytes) != %s (%zu bytes)\n", __FILE__, \
                    __LINE__, check_case_name, #p, check_n_, #q, check_m_);                              \
        }                                                                                                \
    } while (0)

#define CHECK_STR(s, lit) CHECK_BYTES((s), strlen(s), (lit), strlen(lit))

static void check_begin(const char *name) {
    check_case_name = name;
    check_case_failures = 0;
}

static void check_end(void) {
    if (check_case_failures == 0) {
        check_cases_passed++;
    } else {
        check_cases_failed++;
        fprintf(stderr, "FAILED: %s\n", check_case_name);
    }
}

#define RUN(fn)              \
    do {                     \
        check_begin(#fn);    \
        fn();                \
        check_end();         \
    } while (0)

static int check_finish(const char *suite) {
    fflush(stderr);
    printf("%s: %d passed, %d failed\n", suite, check_cases_passed, check_cases_failed);
    fflush(stdout);
    return check_cases_failed == 0 ? 0 : 1;
}

#endif
