/* One policy, built from a static config into static memory, many threads deciding at once, each into its
 * own decision on its stack: every decision must equal the one made alone beforehand.
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

static const corsguard_policy *policy;
static unsigned char policy_memory[8192];
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
    c->request.origin = c->origin_line;
    c->request.origin_count = (i % 11 == 10) ? 0 : 1;
    c->request.request_method = c->acrm_line;
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
    return corsguard_decision_kind(&d) != c->kind || corsguard_decision_verdict(&d) != c->verdict ||
           corsguard_decision_reason(&d) != c->reason || corsguard_decision_status(&d) != c->status ||
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

static const corsguard_slice origins[] = {CORSGUARD_SLICE("https://app.example.com"),
                                          CORSGUARD_SLICE("https://*.api.example.com"),
                                          CORSGUARD_SLICE("http://localhost:*")};
static const corsguard_slice methods[] = {CORSGUARD_SLICE("GET"), CORSGUARD_SLICE("PUT"), CORSGUARD_SLICE("PATCH")};
static const corsguard_slice names[] = {CORSGUARD_SLICE("content-type"), CORSGUARD_SLICE("x-request-id")};
static const corsguard_config config = {
    .origins = origins,
    .origin_count = 3,
    .credentials = true,
    .methods_mode = CORSGUARD_MODE_LIST,
    .methods = methods,
    .method_count = 3,
    .request_headers_mode = CORSGUARD_MODE_LIST,
    .request_headers = names,
    .request_header_count = 2,
    .has_max_age = true,
    .max_age = 600,
};

static void test_build_policy(void) {
    size_t size = 0;
    CHECK_EQ(corsguard_policy_size(&config, &size), CORSGUARD_RESULT_OK);
    CHECK(size <= sizeof policy_memory);
    CHECK_EQ(corsguard_policy_init(&config, policy_memory, sizeof policy_memory, &policy, NULL), CORSGUARD_RESULT_OK);
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
        c->kind = corsguard_decision_kind(&d);
        c->verdict = corsguard_decision_verdict(&d);
        c->reason = corsguard_decision_reason(&d);
        c->status = corsguard_decision_status(&d);
        allowed += c->verdict == CORSGUARD_VERDICT_ALLOWED;
        denied += c->verdict == CORSGUARD_VERDICT_DENIED;
        preflights += c->kind == CORSGUARD_KIND_PREFLIGHT;
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
    return check_finish("threads");
}
