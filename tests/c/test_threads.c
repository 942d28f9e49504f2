/* One policy, many threads deciding at once: every decision must equal the one made alone beforehand.
 *
 * usage: test_threads [ROUNDS]   (default 300; the valgrind run passes fewer, as valgrind runs threads one
 * at a time and slowly). Each of THREADS threads decides every request ROUNDS times, starting at a different
 * request, and compares kind, verdict, reason, status and the rendered headers with the expected ones. */
#include <pthread.h>
#include <stdlib.h>

#include "check.h"
#include "corsguard.h"

#define THREADS 8
#define REQUESTS 48
#define RENDER_CAP 2048

typedef struct {
    char origin[96];
    const char *method;
    const char *acrm;
    const char *acrh;
    corsguard_slice origin_line, acrm_line, acrh_line;
    corsguard_request request;
    /* What the request decides to when alone. */
    uint32_t kind, verdict, reason;
    uint16_t status;
    unsigned char rendered[RENDER_CAP];
    size_t rendered_len;
} case_t;

static corsguard_policy *policy;
static case_t cases[REQUESTS];
static long rounds = 300;

typedef struct {
    int index;
    long mismatches;
    long errors;
} worker_t;

static corsguard_slice slice_of(const char *s) {
    corsguard_slice out;
    out.ptr = (const uint8_t *)s;
    out.len = strlen(s);
    return out;
}

static void make_case(case_t *c, int i) {
    static const char *hosts[] = {"https://app.example.com", "https://%d.api.example.com", "https://evil%d.example.net",
                                  "http://localhost:%d", "https://example.com.evil%d.net", "null"};
    static const char *acrms[] = {"PUT", "DELETE", "TRACE", "PATCH"};
    static const char *acrhs[] = {"content-type", "x-request-id,content-type", "authorization", "x-other"};
    memset(c, 0, sizeof *c);
    snprintf(c->origin, sizeof c->origin, hosts[i % 6], 3000 + i);
    c->method = (i % 3 == 0) ? "GET" : "OPTIONS";
    c->acrm = acrms[(i / 3) % 4];
    c->acrh = acrhs[(i / 5) % 4];
    c->origin_line = slice_of(c->origin);
    c->acrm_line = slice_of(c->acrm);
    c->acrh_line = slice_of(c->acrh);
    c->request.method = slice_of(c->method);
    c->request.origin = &c->origin_line;
    c->request.origin_count = (i % 11 == 10) ? 0 : 1;
    c->request.request_method = &c->acrm_line;
    c->request.request_method_count = (i % 7 == 6) ? 0 : 1;
    c->request.request_headers = &c->acrh_line;
    c->request.request_headers_count = 1;
}

/* Decides one case and compares it with the expectation; returns 0 when equal. */
static int decide_and_compare(const case_t *c, long *errors) {
    corsguard_decision d;
    unsigned char buf[RENDER_CAP];
    size_t n = 0;
    if (corsguard_decide(policy, &c->request, &d) != CORSGUARD_RESULT_OK ||
        corsguard_decision_write_headers(&d, buf, sizeof buf, &n) != CORSGUARD_RESULT_OK) {
        (*errors)++;
        return 1;
    }
    return d.kind != c->kind || d.verdict != c->verdict || d.reason != c->reason || d.status != c->status ||
           n != c->rendered_len || memcmp(buf, c->rendered, n) != 0;
}

static void *work(void *arg) {
    worker_t *w = (worker_t *)arg;
    long round;
    int i;
    for (round = 0; round < rounds; round++) {
        for (i = 0; i < REQUESTS; i++) {
            if (decide_and_compare(&cases[(i + w->index * 7) % REQUESTS], &w->errors)) {
                w->mismatches++;
            }
        }
    }
    return NULL;
}

static void test_build_policy(void) {
    corsguard_policy_builder *b = NULL;
    corsguard_slice methods[3], names[2];
    methods[0] = slice_of("GET");
    methods[1] = slice_of("PUT");
    methods[2] = slice_of("PATCH");
    names[0] = slice_of("content-type");
    names[1] = slice_of("x-request-id");
    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, (const uint8_t *)"https://app.example.com", 23),
             CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, (const uint8_t *)"https://*.api.example.com", 25),
             CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, (const uint8_t *)"http://localhost:*", 18), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_credentials(b, true), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_methods(b, methods, 3), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_request_headers(b, names, 2), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_max_age(b, 600), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &policy, NULL), CORSGUARD_RESULT_OK);
    corsguard_policy_builder_free(b);
}

static void test_expectations_alone(void) {
    int i, allowed = 0, denied = 0, preflights = 0;
    for (i = 0; i < REQUESTS; i++) {
        case_t *c = &cases[i];
        corsguard_decision d;
        make_case(c, i);
        CHECK_EQ(corsguard_decide(policy, &c->request, &d), CORSGUARD_RESULT_OK);
        CHECK_EQ(corsguard_decision_write_headers(&d, c->rendered, sizeof c->rendered, &c->rendered_len),
                 CORSGUARD_RESULT_OK);
        c->kind = d.kind;
        c->verdict = d.verdict;
        c->reason = d.reason;
        c->status = d.status;
        allowed += d.verdict == CORSGUARD_VERDICT_ALLOWED;
        denied += d.verdict == CORSGUARD_VERDICT_DENIED;
        preflights += d.kind == CORSGUARD_KIND_PREFLIGHT;
    }
    /* The mix exercises allowed and denied, actual and preflight answers. */
    CHECK(allowed >= 8);
    CHECK(denied >= 8);
    CHECK(preflights >= 8);
}

static void test_concurrent_decisions_match(void) {
    pthread_t threads[THREADS];
    worker_t workers[THREADS];
    int i, started = 0;
    long mismatches = 0, errors = 0;
    for (i = 0; i < THREADS; i++) {
        workers[i].index = i;
        workers[i].mismatches = 0;
        workers[i].errors = 0;
        if (pthread_create(&threads[i], NULL, work, &workers[i]) == 0) {
            started++;
        }
    }
    CHECK_EQ(started, THREADS);
    for (i = 0; i < started; i++) {
        CHECK_EQ(pthread_join(threads[i], NULL), 0);
        mismatches += workers[i].mismatches;
        errors += workers[i].errors;
    }
    CHECK_EQ(errors, 0);
    CHECK_EQ(mismatches, 0);
    printf("threads: %d threads x %ld rounds x %d requests decided\n", started, rounds, REQUESTS);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        rounds = strtol(argv[1], NULL, 10);
        if (rounds < 1) {
            rounds = 1;
        }
    }
    RUN(test_build_policy);
    if (policy == NULL) {
        return check_finish("threads");
    }
    RUN(test_expectations_alone);
    RUN(test_concurrent_decisions_match);
    corsguard_policy_free(policy);
    return check_finish("threads");
}
