/* Every function of the C ABI and every error path it documents: policies built from a config into static,
 * stack, heap and misaligned memory, memory too small, NULL and misaligned pointers, invalid slices, unknown
 * modes, refused policies, too many header lines, forged and copied policies and decisions, every accessor,
 * too-small buffers, the builder, and what is (not) written on failure. */
#include <stdlib.h>

#include "check.h"
#include "corsguard.h"

#define LIT(s) ((const uint8_t *)(s)), (sizeof(s) - 1)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static corsguard_slice slice_of(const char *s) {
    corsguard_slice out;
    out.ptr = (const uint8_t *)s;
    out.len = strlen(s);
    return out;
}

/* A request of `method` whose Origin arrived on `origin_count` lines, the first `*origin` (NULL: an empty one). */
static corsguard_request request_of(const char *method, const corsguard_slice *origin, size_t origin_count) {
    corsguard_request r;
    memset(&r, 0, sizeof r);
    r.method = slice_of(method);
    if (origin != NULL) {
        r.origin = *origin;
    }
    r.origin_count = origin_count;
    return r;
}

/* Whether `text` occurs in the `n` bytes at `buf`. */
static bool contains(const unsigned char *buf, size_t n, const char *text) {
    size_t len = strlen(text), at;
    for (at = 0; at + len <= n; at++) {
        if (memcmp(buf + at, text, len) == 0) {
            return true;
        }
    }
    return false;
}

static corsguard_config config_of(const corsguard_slice *origins, size_t count) {
    corsguard_config c;
    memset(&c, 0, sizeof c);
    c.origins = origins;
    c.origin_count = count;
    return c;
}

/* A policy in a heap block of exactly corsguard_policy_size bytes, so that the sanitizers see any access past
 * it. */
typedef struct {
    unsigned char *memory;
    const corsguard_policy *policy;
} heap_policy;

static corsguard_result init_heap(const corsguard_config *config, heap_policy *out, corsguard_policy_error *error) {
    size_t size = 0;
    corsguard_result result = corsguard_policy_size(config, &size);
    out->memory = NULL;
    out->policy = NULL;
    if (result != CORSGUARD_RESULT_OK) {
        return result;
    }
    out->memory = (unsigned char *)malloc(size);
    if (out->memory == NULL) {
        abort();
    }
    result = corsguard_policy_init(config, out->memory, size, &out->policy, error);
    if (result != CORSGUARD_RESULT_OK) {
        free(out->memory);
        out->memory = NULL;
    }
    return result;
}

static const corsguard_policy *build_one(const char *origin, heap_policy *out) {
    corsguard_slice origins[1];
    corsguard_config c;
    origins[0] = slice_of(origin);
    c = config_of(origins, 1);
    CHECK_EQ(init_heap(&c, out, NULL), CORSGUARD_RESULT_OK);
    return out->policy;
}

static corsguard_header header_at(const corsguard_decision *d, size_t index) {
    corsguard_header h;
    memset(&h, 0, sizeof h);
    CHECK_EQ(corsguard_decision_header(d, index, &h), CORSGUARD_RESULT_OK);
    return h;
}

static bool header_is(corsguard_header h, const char *name, const char *value) {
    return h.name.len == strlen(name) && memcmp(h.name.ptr, name, h.name.len) == 0 &&
           h.value.len == strlen(value) && (h.value.len == 0 || memcmp(h.value.ptr, value, h.value.len) == 0);
}

/* Every accessor gives its documented neutral value: NULL, zeroed memory, a copy, a failed call. */
static void check_neutral(const corsguard_decision *d) {
    corsguard_header out[CORSGUARD_MAX_HEADERS];
    corsguard_header one;
    unsigned char buf[64];
    size_t n = 4242;
    CHECK_EQ(corsguard_decision_kind(d), CORSGUARD_KIND_NOT_CORS);
    CHECK_EQ(corsguard_decision_verdict(d), CORSGUARD_VERDICT_DENIED);
    CHECK_EQ(corsguard_decision_reason(d), CORSGUARD_REASON_NONE);
    CHECK_EQ(corsguard_decision_origin_error(d), CORSGUARD_ORIGIN_ERROR_NONE);
    CHECK_EQ(corsguard_decision_status(d), 0);
    CHECK(!corsguard_decision_answer_now(d));
    CHECK_EQ(corsguard_decision_header_count(d), 0);
    memset(&one, 0x5A, sizeof one);
    if (d == NULL) {
        CHECK_EQ(corsguard_decision_headers(d, out, COUNT(out), &n), CORSGUARD_RESULT_NULL_ARGUMENT);
        CHECK_EQ(corsguard_decision_header(d, 0, &one), CORSGUARD_RESULT_NULL_ARGUMENT);
        CHECK_EQ(corsguard_decision_write_headers(d, buf, sizeof buf, &n), CORSGUARD_RESULT_NULL_ARGUMENT);
    } else {
        CHECK_EQ(corsguard_decision_headers(d, out, COUNT(out), &n), CORSGUARD_RESULT_INVALID_DECISION);
        CHECK_EQ(corsguard_decision_header(d, 0, &one), CORSGUARD_RESULT_INVALID_DECISION);
        CHECK_EQ(corsguard_decision_write_headers(d, buf, sizeof buf, &n), CORSGUARD_RESULT_INVALID_DECISION);
    }
    CHECK_EQ(n, 4242);
    CHECK_EQ(one.name.len, (size_t)0x5A5A5A5A5A5A5A5Au & SIZE_MAX);
}

static void test_version(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", CORSGUARD_VERSION_MAJOR, CORSGUARD_VERSION_MINOR,
             CORSGUARD_VERSION_PATCH);
    CHECK_STR(corsguard_version(), expected);
    CHECK(corsguard_version() == corsguard_version());
}

static void test_texts(void) {
    uint32_t code;
    /* Every known code has its own text; 0 and unknown codes have fixed ones; none is NULL. */
    CHECK_STR(corsguard_result_str(CORSGUARD_RESULT_OK), "success");
    for (code = 1; code <= CORSGUARD_RESULT_POLICY_FILE_SYNTAX; code++) {
        CHECK(strcmp(corsguard_result_str(code), "unknown code") != 0);
        CHECK(strcmp(corsguard_result_str(code), corsguard_result_str(code - 1)) != 0);
    }
    CHECK_STR(corsguard_result_str(CORSGUARD_RESULT_POLICY_FILE_SYNTAX + 1), "unknown code");
    CHECK_STR(corsguard_result_str(0xFFFFFFFFu), "unknown code");
    CHECK_EQ(sizeof(corsguard_result), 4);

    CHECK_STR(corsguard_reason_str(CORSGUARD_REASON_NONE), "not denied");
    for (code = 1; code <= CORSGUARD_REASON_PRIVATE_NETWORK_NOT_ALLOWED; code++) {
        CHECK(strcmp(corsguard_reason_str(code), "unknown code") != 0);
    }
    CHECK_STR(corsguard_reason_str(CORSGUARD_REASON_ORIGIN_NOT_ALLOWED), "the origin is not allowed by the policy");
    CHECK_STR(corsguard_reason_str(CORSGUARD_REASON_PRIVATE_NETWORK_NOT_ALLOWED + 1), "unknown code");

    CHECK_STR(corsguard_origin_error_str(CORSGUARD_ORIGIN_ERROR_NONE), "no origin error");
    for (code = 1; code <= CORSGUARD_ORIGIN_ERROR_DEFAULT_PORT; code++) {
        CHECK(strcmp(corsguard_origin_error_str(code), "unknown code") != 0);
    }
    CHECK_STR(corsguard_origin_error_str(CORSGUARD_ORIGIN_ERROR_HAS_PATH),
              "the origin has a path, query or fragment after its host");
    CHECK_STR(corsguard_origin_error_str(CORSGUARD_ORIGIN_ERROR_DEFAULT_PORT + 1), "unknown code");

    CHECK_STR(corsguard_policy_error_kind_str(CORSGUARD_POLICY_ERROR_KIND_NONE), "no policy error");
    for (code = 1; code <= CORSGUARD_POLICY_ERROR_KIND_ORIGIN_LONGER_THAN_CAP; code++) {
        CHECK(strcmp(corsguard_policy_error_kind_str(code), "unknown code") != 0);
    }
    CHECK_STR(corsguard_policy_error_kind_str(CORSGUARD_POLICY_ERROR_KIND_ORIGIN_LONGER_THAN_CAP + 1), "unknown code");

    CHECK_STR(corsguard_setting_str(CORSGUARD_SETTING_NONE), "none");
    CHECK_STR(corsguard_setting_str(CORSGUARD_SETTING_ORIGINS), "origins");
    CHECK_STR(corsguard_setting_str(CORSGUARD_SETTING_MAX_REQUEST_HEADERS_COUNT), "max_request_headers_count");
    CHECK_STR(corsguard_setting_str(CORSGUARD_SETTING_STORAGE), "storage");
    CHECK_STR(corsguard_setting_str(CORSGUARD_SETTING_STORAGE + 1), "unknown code");

    CHECK_STR(corsguard_syntax_error_str(CORSGUARD_SYNTAX_ERROR_NONE), "no syntax error");
    for (code = 1; code <= CORSGUARD_SYNTAX_ERROR_WILDCARD_MIXED; code++) {
        CHECK(strcmp(corsguard_syntax_error_str(code), "unknown code") != 0);
        CHECK(strcmp(corsguard_syntax_error_str(code), corsguard_syntax_error_str(code - 1)) != 0);
    }
    CHECK_STR(corsguard_syntax_error_str(CORSGUARD_SYNTAX_ERROR_BAD_BOOLEAN), "not a boolean: write true or false");
    CHECK_STR(corsguard_syntax_error_str(CORSGUARD_SYNTAX_ERROR_WILDCARD_MIXED + 1), "unknown code");
}

/* The policy of the README, from a static const config, into static memory and into stack memory. */
static const corsguard_slice static_origins[] = {CORSGUARD_SLICE("https://app.example.com"),
                                                 CORSGUARD_SLICE("https://*.example.com")};
static const corsguard_slice static_methods[] = {CORSGUARD_SLICE("GET"), CORSGUARD_SLICE("PUT")};
static const corsguard_config static_config = {
    .origins = static_origins,
    .origin_count = 2,
    .credentials = true,
    .methods_mode = CORSGUARD_MODE_LIST,
    .methods = static_methods,
    .method_count = 2,
};

static void check_app_policy(const corsguard_policy *p) {
    corsguard_slice origin = slice_of("https://api.example.com");
    corsguard_slice acrm = slice_of("PUT");
    corsguard_request r = request_of("OPTIONS", &origin, 1);
    corsguard_decision d;
    r.request_method = acrm;
    r.request_method_count = 1;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_verdict(&d), CORSGUARD_VERDICT_ALLOWED);
    CHECK_EQ(corsguard_decision_status(&d), 204);
    CHECK(header_is(header_at(&d, 2), "Access-Control-Allow-Methods", "GET, PUT"));
}

static void test_init_into_static_and_stack_memory(void) {
    static unsigned char static_memory[8192];
    unsigned char stack_memory[8192];
    const corsguard_policy *p = NULL;
    corsguard_policy_error e;
    size_t size = 0;
    CHECK_EQ(corsguard_policy_size(&static_config, &size), CORSGUARD_RESULT_OK);
    CHECK(size > 0 && size <= sizeof static_memory);
    CHECK_EQ(corsguard_policy_init(&static_config, static_memory, sizeof static_memory, &p, &e), CORSGUARD_RESULT_OK);
    CHECK(p != NULL && (const unsigned char *)p >= static_memory &&
          (const unsigned char *)p < static_memory + sizeof static_memory);
    check_app_policy(p);
    p = NULL;
    CHECK_EQ(corsguard_policy_init(&static_config, stack_memory, size, &p, NULL), CORSGUARD_RESULT_OK);
    CHECK(p != NULL);
    check_app_policy(p);
    /* Initialising the same memory again replaces the policy. */
    CHECK_EQ(corsguard_policy_init(&static_config, stack_memory, size, &p, NULL), CORSGUARD_RESULT_OK);
    check_app_policy(p);
    /* Freeing a policy in caller memory does nothing (the caller owns the memory). */
    corsguard_policy_free((corsguard_policy *)p);
    check_app_policy(p);
}

static void test_memory_any_alignment_and_too_small(void) {
    size_t size = 0, shift;
    unsigned char *block;
    const corsguard_policy *p;
    const corsguard_policy *const sentinel = (const corsguard_policy *)&size;
    CHECK_EQ(corsguard_policy_size(&static_config, &size), CORSGUARD_RESULT_OK);
    block = (unsigned char *)malloc(size + 16);
    if (block == NULL) {
        abort();
    }
    /* The size covers any address: each of eight shifts works with exactly `size` bytes. */
    for (shift = 0; shift < 8; shift++) {
        p = NULL;
        CHECK_EQ(corsguard_policy_init(&static_config, block + shift, size, &p, NULL), CORSGUARD_RESULT_OK);
        CHECK(p != NULL && (uintptr_t)p % 8 == 0);
        check_app_policy(p);
    }
    /* Too small: refused before anything is written. */
    memset(block, 0xC3, size + 16);
    p = sentinel;
    CHECK_EQ(corsguard_policy_init(&static_config, block, size / 2, &p, NULL), CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(corsguard_policy_init(&static_config, block, 0, &p, NULL), CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(corsguard_policy_init(&static_config, block + 1, size - 8, &p, NULL), CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK(p == sentinel);
    CHECK(block[0] == 0xC3 && block[size / 2] == 0xC3);
    free(block);
}

static void test_config_argument_errors(void) {
    unsigned char memory[8192];
    corsguard_slice origins[1], bad[2];
    corsguard_config c, misaligned_copy[2];
    const corsguard_policy *p = (const corsguard_policy *)&c;
    const corsguard_policy *const sentinel = p;
    size_t size = 99;
    origins[0] = slice_of("https://a.example");
    bad[0] = slice_of("GET");
    bad[1].ptr = NULL;
    bad[1].len = 3;
    c = config_of(origins, 1);

    /* NULL arguments. */
    CHECK_EQ(corsguard_policy_size(NULL, &size), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_size(&c, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_init(NULL, memory, sizeof memory, &p, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_init(&c, NULL, sizeof memory, &p, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, NULL, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    /* Misaligned struct pointers. */
    memcpy((unsigned char *)misaligned_copy + 1, &c, sizeof c);
    CHECK_EQ(corsguard_policy_size((const corsguard_config *)((unsigned char *)misaligned_copy + 1), &size),
             CORSGUARD_RESULT_MISALIGNED);
    CHECK_EQ(corsguard_policy_init((const corsguard_config *)((unsigned char *)misaligned_copy + 1), memory,
                                   sizeof memory, &p, NULL),
             CORSGUARD_RESULT_MISALIGNED);
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory,
                                   (const corsguard_policy **)((unsigned char *)misaligned_copy + 1), NULL),
             CORSGUARD_RESULT_MISALIGNED);
    CHECK_EQ(corsguard_policy_size(&c, (size_t *)((unsigned char *)misaligned_copy + 1)),
             CORSGUARD_RESULT_MISALIGNED);
    /* Invalid slices: NULL arrays with a count, NULL strings with a length, counts past memory. */
    c.origins = NULL;
    CHECK_EQ(corsguard_policy_size(&c, &size), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, NULL), CORSGUARD_RESULT_INVALID_SLICE);
    c.origins = bad;
    c.origin_count = 2;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, NULL), CORSGUARD_RESULT_INVALID_SLICE);
    c.origin_count = SIZE_MAX;
    CHECK_EQ(corsguard_policy_size(&c, &size), CORSGUARD_RESULT_INVALID_SLICE);
    c = config_of(origins, 1);
    c.methods_mode = CORSGUARD_MODE_LIST;
    c.methods = bad;
    c.method_count = 2;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, NULL), CORSGUARD_RESULT_INVALID_SLICE);
    /* ...but an array is read only in the mode that uses it. */
    c.methods_mode = CORSGUARD_MODE_ANY;
    CHECK_EQ(corsguard_policy_size(&c, &size), CORSGUARD_RESULT_OK);
    CHECK(size > 99);
    size = 99;
    c = config_of(origins, 1);
    c.request_headers_mode = CORSGUARD_MODE_LIST;
    c.request_headers = NULL;
    c.request_header_count = 1;
    CHECK_EQ(corsguard_policy_size(&c, &size), CORSGUARD_RESULT_INVALID_SLICE);
    c = config_of(origins, 1);
    c.exposed_headers_mode = CORSGUARD_MODE_LIST;
    c.exposed_headers = bad;
    c.exposed_header_count = 2;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, NULL), CORSGUARD_RESULT_INVALID_SLICE);
    /* Unknown modes. */
    c = config_of(origins, 1);
    c.methods_mode = CORSGUARD_MODE_ANY_WITH_AUTHORIZATION; /* request headers only */
    CHECK_EQ(corsguard_policy_size(&c, &size), CORSGUARD_RESULT_OUT_OF_RANGE);
    c.methods_mode = 0;
    c.request_headers_mode = 4;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, NULL), CORSGUARD_RESULT_OUT_OF_RANGE);
    c.request_headers_mode = 0;
    c.exposed_headers_mode = 0xFFFFFFFFu;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, NULL), CORSGUARD_RESULT_OUT_OF_RANGE);
    CHECK(p == sentinel);
    CHECK_EQ(size, 99);
}

static void test_policy_errors_from_config(void) {
    unsigned char memory[8192];
    const corsguard_policy *p = NULL;
    corsguard_policy_error e;
    corsguard_slice origins[2], list[2];
    corsguard_config c;
    origins[0] = slice_of("https://a.example");
    origins[1] = slice_of("*");
    c = config_of(origins, 2);
    memset(&e, 0, sizeof e);
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK(p == NULL);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_ANY_ORIGIN_MIXED);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_ORIGINS);
    CHECK_EQ(e.index, 1);
    CHECK_EQ(e.origin_error, CORSGUARD_ORIGIN_ERROR_NONE);
    CHECK(e.message == corsguard_policy_error_kind_str(e.kind));
    CHECK_STR(e.setting_name, "origins");
    /* The memory of a refused policy is not a policy. */
    {
        corsguard_slice origin = slice_of("https://a.example");
        corsguard_request r = request_of("GET", &origin, 1);
        corsguard_decision d;
        CHECK_EQ(corsguard_decide((const corsguard_policy *)memory, &r, &d), CORSGUARD_RESULT_INVALID_POLICY);
    }
    /* A NULL error_out is allowed. */
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, NULL), CORSGUARD_RESULT_POLICY_INVALID);
    /* No origins at all. */
    c = config_of(NULL, 0);
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_NO_ORIGINS);
    CHECK_EQ(e.index, CORSGUARD_NO_INDEX);

    /* Zero is the default: statuses 204/403, caps 512/2048/64; out-of-range values are refused. */
    c = config_of(origins, 1);
    c.preflight_success_status = 301;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_STATUS_OUT_OF_RANGE);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_PREFLIGHT_SUCCESS_STATUS);
    c.preflight_success_status = 0;
    c.preflight_failure_status = 302;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_PREFLIGHT_FAILURE_STATUS);
    c.preflight_failure_status = 0;
    c.max_request_headers_count = 1025;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_CAP_OUT_OF_RANGE);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_MAX_REQUEST_HEADERS_COUNT);
    c.max_request_headers_count = 0;
    c.has_max_age = true;
    c.max_age = 86401;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_MAX_AGE_OUT_OF_RANGE);
    c.has_max_age = false; /* max_age is read only with has_max_age */
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_OK);
    c.credentials = true;
    c.exposed_headers_mode = CORSGUARD_MODE_ANY;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_EXPOSE_ANY_WITH_CREDENTIALS);
    c.exposed_headers_mode = CORSGUARD_MODE_DEFAULT;
    origins[1] = slice_of("http://intranet.example");
    c.origin_count = 2;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_INSECURE_ORIGIN_WITH_CREDENTIALS);
    CHECK_EQ(e.index, 1);
    c.allow_insecure_origins_with_credentials = true;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_OK);

    /* Lists: the entry's index in the array. */
    c = config_of(origins, 1);
    list[0] = slice_of("GET");
    list[1] = slice_of("get");
    c.methods_mode = CORSGUARD_MODE_LIST;
    c.methods = list;
    c.method_count = 2;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_METHOD_NOT_NORMALIZED);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_METHODS);
    CHECK_EQ(e.index, 1);
    c.methods_mode = CORSGUARD_MODE_DEFAULT;
    list[0] = slice_of("Cookie");
    c.request_headers_mode = CORSGUARD_MODE_LIST;
    c.request_headers = list;
    c.request_header_count = 1;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_HEADER_FORBIDDEN);
    CHECK_STR(e.setting_name, "request_headers");
}

static void test_not_utf8_is_refused_like_non_ascii(void) {
    unsigned char memory[8192];
    const corsguard_policy *p = NULL;
    corsguard_policy_error e;
    corsguard_slice origins[2], list[2];
    corsguard_config c;
    origins[0] = slice_of("https://ok.example");
    origins[1] = slice_of("https://\xff\xfe.example");
    c = config_of(origins, 2);
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_ORIGIN_MALFORMED);
    CHECK_EQ(e.origin_error, CORSGUARD_ORIGIN_ERROR_NOT_ASCII);
    CHECK_EQ(e.index, 1);
    /* A single byte that is not UTF-8 too (the stand-in is longer than it: the size still fits). */
    origins[1] = slice_of("\xff");
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.origin_error, CORSGUARD_ORIGIN_ERROR_NOT_ASCII);
    CHECK_EQ(e.index, 1);
    c.origin_count = 1;
    list[0] = slice_of("GET");
    list[1] = slice_of("P\xc3\x28ST");
    c.methods_mode = CORSGUARD_MODE_LIST;
    c.methods = list;
    c.method_count = 2;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_METHOD_INVALID);
    CHECK_EQ(e.index, 1);
    c.methods_mode = CORSGUARD_MODE_DEFAULT;
    list[0] = slice_of("x-\x80");
    c.exposed_headers_mode = CORSGUARD_MODE_LIST;
    c.exposed_headers = list;
    c.exposed_header_count = 1;
    CHECK_EQ(corsguard_policy_init(&c, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_HEADER_INVALID);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_EXPOSED_HEADERS);
    CHECK_EQ(e.index, 0);
}

static void test_every_setting_and_accessor(void) {
    corsguard_slice origins[1], methods[2], names[2], exposed[1];
    corsguard_slice origin = slice_of("https://api.example.org");
    corsguard_slice acrm = slice_of(" PUT ");
    corsguard_slice acrh = slice_of("x-request-id,Content-Type");
    corsguard_slice acrpn = slice_of("true");
    corsguard_header all[CORSGUARD_MAX_HEADERS];
    heap_policy hp;
    corsguard_config c;
    corsguard_request r;
    corsguard_decision d;
    corsguard_header h;
    size_t n = 0;
    origins[0] = slice_of("https://*.example.org");
    methods[0] = slice_of("GET");
    methods[1] = slice_of("PUT");
    names[0] = slice_of("content-type");
    names[1] = slice_of("X-Request-Id");
    exposed[0] = slice_of("x-total-count");
    c = config_of(origins, 1);
    c.credentials = true;
    c.methods_mode = CORSGUARD_MODE_LIST;
    c.methods = methods;
    c.method_count = 2;
    c.request_headers_mode = CORSGUARD_MODE_LIST;
    c.request_headers = names;
    c.request_header_count = 2;
    c.exposed_headers_mode = CORSGUARD_MODE_LIST;
    c.exposed_headers = exposed;
    c.exposed_header_count = 1;
    c.has_max_age = true;
    c.max_age = 600;
    c.preflight_success_status = 200;
    c.preflight_failure_status = 404;
    c.private_network = true;
    c.max_origin_len = 100;
    c.max_request_headers_len = 100;
    c.max_request_headers_count = 2;
    CHECK_EQ(init_heap(&c, &hp, NULL), CORSGUARD_RESULT_OK);

    r = request_of("OPTIONS", &origin, 1);
    r.request_method = acrm;
    r.request_method_count = 1;
    r.request_headers = &acrh;
    r.request_headers_count = 1;
    r.request_private_network = acrpn;
    r.request_private_network_count = 1;
    CHECK_EQ(corsguard_decide(hp.policy, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_kind(&d), CORSGUARD_KIND_PREFLIGHT);
    CHECK_EQ(corsguard_decision_verdict(&d), CORSGUARD_VERDICT_ALLOWED);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_NONE);
    CHECK_EQ(corsguard_decision_origin_error(&d), CORSGUARD_ORIGIN_ERROR_NONE);
    CHECK_EQ(corsguard_decision_status(&d), 200);
    CHECK(corsguard_decision_answer_now(&d));
    CHECK_EQ(corsguard_decision_header_count(&d), 7);
    CHECK(header_is(header_at(&d, 0), "Access-Control-Allow-Origin", "https://api.example.org"));
    CHECK(header_at(&d, 0).value.ptr == origin.ptr); /* reflected, not copied */
    CHECK(header_is(header_at(&d, 1), "Access-Control-Allow-Credentials", "true"));
    CHECK(header_is(header_at(&d, 2), "Access-Control-Allow-Methods", "GET, PUT"));
    CHECK(header_is(header_at(&d, 3), "Access-Control-Allow-Headers", "content-type, x-request-id"));
    CHECK(header_is(header_at(&d, 4), "Access-Control-Max-Age", "600"));
    CHECK(header_is(header_at(&d, 5), "Access-Control-Allow-Private-Network", "true"));
    CHECK(header_is(header_at(&d, 6), "Vary",
                    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
                    "Access-Control-Request-Private-Network"));
    /* Names are NUL-terminated one past their length, so they can be printed as C strings. */
    CHECK_STR((const char *)header_at(&d, 0).name.ptr, "Access-Control-Allow-Origin");
    /* One header past the count is out of range, and nothing is written. */
    memset(&h, 0x77, sizeof h);
    CHECK_EQ(corsguard_decision_header(&d, 7, &h), CORSGUARD_RESULT_OUT_OF_RANGE);
    CHECK_EQ(corsguard_decision_header(&d, SIZE_MAX, &h), CORSGUARD_RESULT_OUT_OF_RANGE);
    CHECK_EQ(corsguard_decision_header(&d, 0, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(h.value.len, (size_t)0x7777777777777777u & SIZE_MAX);
    /* All headers at once; a capacity one short is refused with the count needed, and nothing written. */
    memset(all, 0, sizeof all);
    CHECK_EQ(corsguard_decision_headers(&d, all, 6, &n), CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(n, 7);
    CHECK(all[0].name.ptr == NULL);
    CHECK_EQ(corsguard_decision_headers(&d, NULL, 0, &n), CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(corsguard_decision_headers(&d, NULL, 3, &n), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_decision_headers(&d, all, COUNT(all), NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_decision_headers(&d, (corsguard_header *)((unsigned char *)all + 1), 7, &n),
             CORSGUARD_RESULT_MISALIGNED);
    CHECK_EQ(corsguard_decision_headers(&d, all, COUNT(all), &n), CORSGUARD_RESULT_OK);
    CHECK_EQ(n, 7);
    CHECK(header_is(all[2], "Access-Control-Allow-Methods", "GET, PUT"));
    CHECK(all[6].name.ptr == header_at(&d, 6).name.ptr);
    CHECK(all[7].name.ptr == NULL); /* untouched past the count */

    /* Three names exceed the cap of 2: denied, failure status, only Vary. */
    acrh = slice_of("content-type, x-request-id, content-type");
    CHECK_EQ(corsguard_decide(hp.policy, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_verdict(&d), CORSGUARD_VERDICT_DENIED);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_HEADERS_TOO_MANY);
    CHECK_EQ(corsguard_decision_status(&d), 404);
    CHECK(corsguard_decision_answer_now(&d));
    CHECK_EQ(corsguard_decision_header_count(&d), 1);

    /* A malformed Origin names its origin error. */
    origin = slice_of("https://api.example.org/");
    r.origin = origin;
    CHECK_EQ(corsguard_decide(hp.policy, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_ORIGIN_MALFORMED);
    CHECK_EQ(corsguard_decision_origin_error(&d), CORSGUARD_ORIGIN_ERROR_HAS_PATH);

    /* An actual request gets ACAO, ACAC, ACEH, Vary and no status. */
    origin = slice_of("https://www.example.org");
    r = request_of("POST", &origin, 1);
    CHECK_EQ(corsguard_decide(hp.policy, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_kind(&d), CORSGUARD_KIND_ACTUAL);
    CHECK_EQ(corsguard_decision_status(&d), 0);
    CHECK(!corsguard_decision_answer_now(&d));
    CHECK_EQ(corsguard_decision_header_count(&d), 4);
    CHECK(header_is(header_at(&d, 2), "Access-Control-Expose-Headers", "x-total-count"));

    /* No Origin: not CORS, allowed, only Vary. */
    r = request_of("GET", NULL, 0);
    CHECK_EQ(corsguard_decide(hp.policy, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_kind(&d), CORSGUARD_KIND_NOT_CORS);
    CHECK_EQ(corsguard_decision_verdict(&d), CORSGUARD_VERDICT_ALLOWED);
    CHECK_EQ(corsguard_decision_header_count(&d), 1);
    CHECK(header_is(header_at(&d, 0), "Vary", "Origin"));
    free(hp.memory);
}

static void test_any_modes(void) {
    corsguard_slice origins[1];
    corsguard_slice origin = slice_of("https://anyone.example");
    corsguard_slice acrm = slice_of("PATCH");
    corsguard_slice acrh = slice_of("authorization");
    heap_policy hp;
    corsguard_config c;
    corsguard_request r;
    corsguard_decision d;
    origins[0] = slice_of("*");
    c = config_of(origins, 1);
    c.methods_mode = CORSGUARD_MODE_ANY;
    c.request_headers_mode = CORSGUARD_MODE_ANY_WITH_AUTHORIZATION;
    c.exposed_headers_mode = CORSGUARD_MODE_ANY;
    CHECK_EQ(init_heap(&c, &hp, NULL), CORSGUARD_RESULT_OK);
    r = request_of("OPTIONS", &origin, 1);
    r.request_method = acrm;
    r.request_method_count = 1;
    r.request_headers = &acrh;
    r.request_headers_count = 1;
    CHECK_EQ(corsguard_decide(hp.policy, &r, &d), CORSGUARD_RESULT_OK);
    CHECK(header_is(header_at(&d, 0), "Access-Control-Allow-Origin", "*"));
    CHECK(header_is(header_at(&d, 1), "Access-Control-Allow-Methods", "*"));
    CHECK(header_is(header_at(&d, 2), "Access-Control-Allow-Headers", "*, authorization"));
    free(hp.memory);
    /* Without Authorization, `*` does not cover it. */
    c.request_headers_mode = CORSGUARD_MODE_ANY;
    CHECK_EQ(init_heap(&c, &hp, NULL), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decide(hp.policy, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_AUTHORIZATION_NOT_ALLOWED);
    free(hp.memory);
}

static void test_policy_keeps_no_pointer_into_the_config(void) {
    corsguard_slice origins[1];
    corsguard_slice origin = slice_of("https://a.example");
    corsguard_request r = request_of("GET", &origin, 1);
    corsguard_config *c = (corsguard_config *)malloc(sizeof *c);
    char *text = (char *)malloc(32);
    heap_policy hp;
    corsguard_decision d;
    if (c == NULL || text == NULL) {
        abort();
    }
    strcpy(text, "https://a.example");
    origins[0] = slice_of(text);
    *c = config_of(origins, 1);
    CHECK_EQ(init_heap(c, &hp, NULL), CORSGUARD_RESULT_OK);
    memset(text, 'x', 17);
    free(text);
    free(c);
    CHECK_EQ(corsguard_decide(hp.policy, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_verdict(&d), CORSGUARD_VERDICT_ALLOWED);
    free(hp.memory);
}

static void test_decide_errors(void) {
    heap_policy hp;
    const corsguard_policy *p = build_one("https://a.example", &hp);
    corsguard_slice origin = slice_of("https://a.example");
    corsguard_slice lines[CORSGUARD_MAX_HEADER_LINES + 1];
    corsguard_slice bad;
    corsguard_request r = request_of("GET", &origin, 1);
    corsguard_request misaligned[2];
    corsguard_decision d, before;
    size_t i;
    memset(&d, 0xAB, sizeof d);
    before = d;
    CHECK_EQ(corsguard_decide(NULL, &r, &d), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_decide(p, NULL, &d), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_decide(p, &r, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    memcpy((unsigned char *)misaligned + 1, &r, sizeof r);
    CHECK_EQ(corsguard_decide(p, (const corsguard_request *)((unsigned char *)misaligned + 1), &d),
             CORSGUARD_RESULT_MISALIGNED);
    CHECK_EQ(corsguard_decide((const corsguard_policy *)((const unsigned char *)p + 1), &r, &d),
             CORSGUARD_RESULT_MISALIGNED);
    CHECK(memcmp(&d, &before, sizeof d) == 0); /* nothing was written */

    /* Access-Control-Request-Headers: at most CORSGUARD_MAX_HEADER_LINES lines. */
    for (i = 0; i < CORSGUARD_MAX_HEADER_LINES + 1; i++) {
        lines[i] = slice_of("x-a");
    }
    r = request_of("OPTIONS", &origin, 1);
    r.request_method = lines[0];
    r.request_method_count = 1;
    r.request_headers = lines;
    r.request_headers_count = CORSGUARD_MAX_HEADER_LINES + 1;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_TOO_MANY_LINES);
    r.request_headers_count = SIZE_MAX;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_TOO_MANY_LINES);
    CHECK(memcmp(&d, &before, sizeof d) == 0);
    r.request_headers_count = CORSGUARD_MAX_HEADER_LINES;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_METHOD_NOT_ALLOWED);
    /* Other headers may have any number of lines: two or more is a malformed request, decided. */
    r = request_of("GET", lines, 1000);
    lines[1] = origin;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_ORIGIN_MULTIPLE);
    /* The array of Access-Control-Request-Headers lines is read unaligned: one at an odd address is
     * decided like any other. */
    {
        unsigned char raw[sizeof(corsguard_slice) + 1];
        corsguard_slice header = slice_of("x-a");
        memcpy(raw + 1, &header, sizeof header);
        r = request_of("OPTIONS", &origin, 1);
        r.request_method = slice_of("GET");
        r.request_method_count = 1;
        r.request_headers = (const corsguard_slice *)(raw + 1);
        r.request_headers_count = 1;
        CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
        CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_HEADER_NOT_ALLOWED);
    }
    /* Only the first line and the count are read: a count no array could hold is still "more than one". */
    r = request_of("GET", lines, SIZE_MAX);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_ORIGIN_MULTIPLE);

    /* A first line of NULL and length 0 is an empty line: a malformed Origin, decided. */
    r = request_of("GET", NULL, 1);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_ORIGIN_MALFORMED);

    memset(&d, 0xAB, sizeof d);
    bad.ptr = NULL;
    bad.len = 4;
    r = request_of("GET", &bad, 1);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    r = request_of("GET", &origin, 1);
    r.method = bad;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    r = request_of("OPTIONS", &origin, 1);
    r.request_method = bad;
    r.request_method_count = 1;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    memset(&r.request_method, 0, sizeof r.request_method);
    r.request_method_count = 0;
    r.request_private_network = bad;
    r.request_private_network_count = 1;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    r.request_private_network_count = 0;
    lines[3] = bad;
    r.request_headers = lines;
    r.request_headers_count = 4;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    bad.ptr = (const uint8_t *)"x";
    bad.len = (size_t)PTRDIFF_MAX + 1;
    r = request_of("GET", &bad, 1);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK(memcmp(&d, &before, sizeof d) == 0);
    check_neutral(&d); /* memory no call wrote is no decision */

    /* Any bytes are a valid request: a decision, not an error. */
    bad.ptr = (const uint8_t *)"\xff\x00\r\n";
    bad.len = 4;
    r = request_of("\xc3\x28", &bad, 1);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_ORIGIN_MALFORMED);
    CHECK_EQ(corsguard_decision_origin_error(&d), CORSGUARD_ORIGIN_ERROR_NOT_ASCII);
    /* An empty method with a NULL pointer is fine too. */
    r = request_of("", &origin, 1);
    r.method.ptr = NULL;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_kind(&d), CORSGUARD_KIND_ACTUAL);
    free(hp.memory);
}

static void test_forged_policies_are_refused(void) {
    heap_policy hp;
    const corsguard_policy *p = build_one("https://a.example", &hp);
    corsguard_slice origin = slice_of("https://a.example");
    corsguard_request r = request_of("GET", &origin, 1);
    corsguard_decision d;
    size_t size = 0;
    uint64_t zeroed[64];
    unsigned char *copy;
    corsguard_slice origins[1];
    corsguard_config c;
    origins[0] = origin;
    c = config_of(origins, 1);
    CHECK_EQ(corsguard_policy_size(&c, &size), CORSGUARD_RESULT_OK);
    memset(zeroed, 0, sizeof zeroed);
    CHECK_EQ(corsguard_decide((const corsguard_policy *)zeroed, &r, &d), CORSGUARD_RESULT_INVALID_POLICY);
    /* A byte-for-byte copy of a policy at another address is not a policy (re-init there instead). */
    copy = (unsigned char *)malloc(size);
    if (copy == NULL) {
        abort();
    }
    memcpy(copy, hp.memory, size);
    CHECK_EQ(corsguard_decide((const corsguard_policy *)(copy + ((const unsigned char *)p - hp.memory)), &r, &d),
             CORSGUARD_RESULT_INVALID_POLICY);
    /* Freeing what is not a builder's policy does nothing. */
    corsguard_policy_free((corsguard_policy *)zeroed);
    corsguard_policy_free((corsguard_policy *)p);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    free(copy);
    free(hp.memory);
}

static void test_accessors_on_no_decision(void) {
    heap_policy hp;
    const corsguard_policy *p = build_one("https://a.example", &hp);
    corsguard_slice origin = slice_of("https://a.example");
    corsguard_request r = request_of("GET", &origin, 1);
    corsguard_decision d, zero, *copy;
    check_neutral(NULL);
    memset(&zero, 0, sizeof zero);
    check_neutral(&zero);
    /* A copy of a real decision is not one: it may point into the original. */
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_verdict(&d), CORSGUARD_VERDICT_ALLOWED);
    copy = (corsguard_decision *)malloc(sizeof *copy);
    if (copy == NULL) {
        abort();
    }
    memcpy(copy, &d, sizeof d);
    check_neutral(copy);
    free(copy);
    /* A misaligned pointer is no decision either. */
    check_neutral((const corsguard_decision *)((const unsigned char *)&d + 4));
    free(hp.memory);
}

static void test_write_headers(void) {
    static const char expected[] = "Access-Control-Allow-Origin: https://a.example\r\nVary: Origin\r\n";
    heap_policy hp;
    const corsguard_policy *p = build_one("https://a.example", &hp);
    corsguard_slice origin = slice_of("https://a.example");
    corsguard_request r = request_of("GET", &origin, 1);
    corsguard_decision d;
    unsigned char buf[256];
    size_t n = 12345, aligned_n[2];
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);

    CHECK_EQ(corsguard_decision_write_headers(&d, NULL, 0, &n), CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(n, sizeof expected - 1);
    memset(buf, 0x5A, sizeof buf);
    CHECK_EQ(corsguard_decision_write_headers(&d, buf, sizeof expected - 2, &n), CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(n, sizeof expected - 1);
    CHECK(buf[0] == 0x5A); /* a too-small buffer is not touched */
    CHECK_EQ(corsguard_decision_write_headers(&d, buf, sizeof expected - 1, &n), CORSGUARD_RESULT_OK);
    CHECK_BYTES(buf, n, expected, sizeof expected - 1);
    CHECK(buf[n] == 0x5A); /* not NUL-terminated, nothing past the end */

    n = 777;
    CHECK_EQ(corsguard_decision_write_headers(NULL, buf, sizeof buf, &n), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_decision_write_headers(&d, buf, sizeof buf, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_decision_write_headers(&d, NULL, 10, &n), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_decision_write_headers(&d, buf, sizeof buf, (size_t *)((unsigned char *)aligned_n + 1)),
             CORSGUARD_RESULT_MISALIGNED);
    CHECK_EQ(n, 777);
    free(hp.memory);
}

static void test_echoed_lines_borrow_the_request(void) {
    corsguard_slice origins[1];
    corsguard_slice origin = slice_of("https://a.example");
    corsguard_slice acrm = slice_of("POST");
    corsguard_slice acrh[3];
    corsguard_request r = request_of("OPTIONS", &origin, 1);
    heap_policy hp;
    corsguard_config c;
    corsguard_decision d;
    unsigned char buf[512];
    size_t n = 0;
    origins[0] = slice_of("https://a.example");
    c = config_of(origins, 1);
    c.credentials = true;
    c.request_headers_mode = CORSGUARD_MODE_ANY;
    CHECK_EQ(init_heap(&c, &hp, NULL), CORSGUARD_RESULT_OK);
    acrh[0] = slice_of(" x-a ");
    acrh[1] = slice_of("");
    acrh[2] = slice_of("x-b,x-c");
    r.request_method = acrm;
    r.request_method_count = 1;
    r.request_headers = acrh;
    r.request_headers_count = 3;
    CHECK_EQ(corsguard_decide(hp.policy, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_verdict(&d), CORSGUARD_VERDICT_ALLOWED);
    CHECK(header_is(header_at(&d, 3), "Access-Control-Allow-Headers", "x-a"));
    CHECK(header_at(&d, 3).value.ptr == acrh[0].ptr + 1);
    CHECK(header_is(header_at(&d, 4), "Access-Control-Allow-Headers", "x-b,x-c"));
    CHECK(header_at(&d, 4).value.ptr == acrh[2].ptr);
    /* The line array itself may go away: the decision keeps its own views of the lines. */
    memset(acrh, 0, sizeof acrh);
    CHECK(header_is(header_at(&d, 4), "Access-Control-Allow-Headers", "x-b,x-c"));
    CHECK_EQ(corsguard_decision_write_headers(&d, buf, sizeof buf, &n), CORSGUARD_RESULT_OK);
    CHECK(contains(buf, n, "Access-Control-Allow-Headers: x-b,x-c\r\n"));
    free(hp.memory);
}

/* The builder (standard build): setters copy, the build goes through corsguard_policy_init's code. */
static void test_builder_null_arguments(void) {
    corsguard_policy *p = (corsguard_policy *)&p; /* a sentinel: must stay untouched */
    corsguard_policy *const sentinel = p;
    corsguard_slice one = slice_of("GET");
    CHECK_EQ(corsguard_policy_builder_new(NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_add_origin(NULL, LIT("https://a.example")), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_credentials(NULL, true), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_methods(NULL, &one, 1), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_methods_any(NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_request_headers(NULL, &one, 1), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_request_headers_any(NULL, false), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_exposed_headers(NULL, &one, 1), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_exposed_headers_any(NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_max_age(NULL, 10), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_clear_max_age(NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_preflight_statuses(NULL, 204, 403), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_private_network(NULL, true), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_allow_insecure_origins_with_credentials(NULL, true),
             CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_set_caps(NULL, 512, 2048, 64), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_builder_build(NULL, &p, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK(p == sentinel);
    {
        corsguard_policy_builder *b = NULL;
        CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
        CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("https://a.example")), CORSGUARD_RESULT_OK);
        CHECK_EQ(corsguard_policy_builder_build(b, NULL, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
        corsguard_policy_builder_free(b);
    }
    /* Freeing NULL does nothing. */
    corsguard_policy_builder_free(NULL);
    corsguard_policy_free(NULL);
}

static void test_builder_invalid_slices(void) {
    corsguard_policy_builder *b = NULL;
    corsguard_policy *p = NULL;
    corsguard_policy_error e;
    corsguard_slice bad[2];
    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    bad[0] = slice_of("GET");
    bad[1].ptr = NULL;
    bad[1].len = 3;
    CHECK_EQ(corsguard_policy_builder_add_origin(b, NULL, 5), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, (const uint8_t *)"x", (size_t)PTRDIFF_MAX + 1),
             CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_builder_set_methods(b, NULL, 1), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_builder_set_methods(b, bad, 2), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_builder_set_methods(b, bad, SIZE_MAX), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_builder_set_request_headers(b, bad, 2), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_builder_set_request_headers(b, NULL, 3), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_builder_set_exposed_headers(b, bad, 2), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_builder_set_exposed_headers(b, NULL, 3), CORSGUARD_RESULT_INVALID_SLICE);
    /* Nothing was added by the failed calls: the builder still has no origins. */
    memset(&e, 0, sizeof e);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_NO_ORIGINS);
    CHECK_EQ(e.index, CORSGUARD_NO_INDEX);
    CHECK(p == NULL);
    /* NULL with a zero length is an empty string or list, not an error. */
    CHECK_EQ(corsguard_policy_builder_set_methods(b, NULL, 0), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, NULL, 0), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_ORIGIN_MALFORMED);
    CHECK_EQ(e.origin_error, CORSGUARD_ORIGIN_ERROR_EMPTY);
    CHECK_EQ(e.index, 0);
    corsguard_policy_builder_free(b);
}

static void test_builder_policy_errors_and_settings(void) {
    corsguard_policy_builder *b = NULL;
    corsguard_policy *p = NULL;
    corsguard_policy_error e;
    corsguard_slice methods[2];
    corsguard_slice headers[1];
    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("https://a.example")), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("*")), CORSGUARD_RESULT_OK);
    memset(&e, 0, sizeof e);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK(p == NULL);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_ANY_ORIGIN_MIXED);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_ORIGINS);
    CHECK_EQ(e.index, 1);
    CHECK(e.message == corsguard_policy_error_kind_str(e.kind));
    CHECK_STR(e.setting_name, "origins");
    CHECK_EQ(corsguard_policy_builder_build(b, &p, NULL), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK(p == NULL);
    corsguard_policy_builder_free(b);

    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("https://a.example")), CORSGUARD_RESULT_OK);
    methods[0] = slice_of("GET");
    methods[1] = slice_of("get");
    CHECK_EQ(corsguard_policy_builder_set_methods(b, methods, 2), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_METHOD_NOT_NORMALIZED);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_METHODS);
    CHECK_EQ(e.index, 1);
    /* Setters replace: fix the methods and the next problem is reported. */
    CHECK_EQ(corsguard_policy_builder_set_methods_any(b), CORSGUARD_RESULT_OK);
    headers[0] = slice_of("Cookie");
    CHECK_EQ(corsguard_policy_builder_set_request_headers(b, headers, 1), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_HEADER_FORBIDDEN);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_REQUEST_HEADERS);
    CHECK_EQ(corsguard_policy_builder_set_request_headers_any(b, false), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_credentials(b, true), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_exposed_headers_any(b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_EXPOSE_ANY_WITH_CREDENTIALS);
    CHECK_EQ(corsguard_policy_builder_set_exposed_headers(b, NULL, 0), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_max_age(b, 86401), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_MAX_AGE_OUT_OF_RANGE);
    CHECK_EQ(corsguard_policy_builder_clear_max_age(b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_preflight_statuses(b, 301, 403), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_PREFLIGHT_SUCCESS_STATUS);
    /* Unlike a config's zero, the builder's 0 is a status: out of range, as it always was. */
    CHECK_EQ(corsguard_policy_builder_set_preflight_statuses(b, 0, 403), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_STATUS_OUT_OF_RANGE);
    CHECK_EQ(corsguard_policy_builder_set_preflight_statuses(b, 204, 0x10000u + 403u), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_PREFLIGHT_FAILURE_STATUS);
    CHECK_EQ(corsguard_policy_builder_set_preflight_statuses(b, 204, 403), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_caps(b, 512, 0, 64), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_CAP_OUT_OF_RANGE);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_MAX_REQUEST_HEADERS_LEN);
    CHECK_EQ(corsguard_policy_builder_set_caps(b, 512, 2048, 64), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_private_network(b, true), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("http://intranet.example")), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_INSECURE_ORIGIN_WITH_CREDENTIALS);
    CHECK_EQ(e.index, 1);
    CHECK_EQ(corsguard_policy_builder_set_allow_insecure_origins_with_credentials(b, true), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_OK);
    CHECK(p != NULL);
    corsguard_policy_free(p);

    /* Bytes that are not UTF-8 are refused like any other non-ASCII byte, at their index. */
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("https://\xff\xfe.example")), CORSGUARD_RESULT_OK);
    p = NULL;
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_ORIGIN_MALFORMED);
    CHECK_EQ(e.origin_error, CORSGUARD_ORIGIN_ERROR_NOT_ASCII);
    CHECK_EQ(e.index, 2);
    corsguard_policy_builder_free(b);
}

static void test_builder_policy_outlives_builder_and_its_buffers(void) {
    corsguard_policy_builder *b = NULL;
    corsguard_policy *first = NULL, *second = NULL;
    corsguard_slice origin = slice_of("https://b.example");
    corsguard_request r = request_of("GET", &origin, 1);
    corsguard_decision d;
    char *text = (char *)malloc(32);
    if (text == NULL) {
        abort();
    }
    strcpy(text, "https://a.example");
    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, (const uint8_t *)text, strlen(text)), CORSGUARD_RESULT_OK);
    free(text); /* the builder copied it */
    CHECK_EQ(corsguard_policy_builder_build(b, &first, NULL), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("https://b.example")), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &second, NULL), CORSGUARD_RESULT_OK);
    corsguard_policy_builder_free(b);
    CHECK_EQ(corsguard_decide(first, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_ORIGIN_NOT_ALLOWED);
    CHECK_EQ(corsguard_decide(second, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_reason(&d), CORSGUARD_REASON_NONE);
    corsguard_policy_free(first);
    corsguard_policy_free(second);
}

/* The policy of check_app_policy, as a policy file. */
static const char app_file[] = "# the README's policy\r\n"
                               "origins = https://app.example.com, https://*.example.com\r\n"
                               "credentials = true\r\n"
                               "methods = GET, PUT\r\n";

static void test_policy_file_size_and_init(void) {
    static unsigned char static_memory[8192];
    size_t size = 0, config_size = 0, shift;
    unsigned char *block;
    const corsguard_policy *p = NULL;
    const corsguard_policy *const sentinel = (const corsguard_policy *)&size;
    corsguard_policy_file_error e;
    CHECK_EQ(corsguard_policy_file_size(LIT(app_file), &size, NULL), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_size(&static_config, &config_size), CORSGUARD_RESULT_OK);
    /* The config needs scratch for its four strings while building; the file none (they stay in the text). */
    CHECK_EQ(size, config_size - 4 * sizeof(corsguard_slice));
    CHECK_EQ(corsguard_policy_file_init(LIT(app_file), static_memory, sizeof static_memory, &p, &e),
             CORSGUARD_RESULT_OK);
    CHECK(p != NULL);
    check_app_policy(p);

    /* Any alignment with exactly `size` bytes; less is refused before anything is written. */
    block = (unsigned char *)malloc(size + 16);
    if (block == NULL) {
        abort();
    }
    for (shift = 0; shift < 8; shift++) {
        p = NULL;
        CHECK_EQ(corsguard_policy_file_init(LIT(app_file), block + shift, size, &p, NULL), CORSGUARD_RESULT_OK);
        CHECK(p != NULL && (uintptr_t)p % 8 == 0);
        check_app_policy(p);
    }
    memset(block, 0xC3, size + 16);
    p = sentinel;
    CHECK_EQ(corsguard_policy_file_init(LIT(app_file), block, size / 2, &p, NULL), CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(corsguard_policy_file_init(LIT(app_file), block + 1, size - 8, &p, NULL),
             CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK(p == sentinel && block[0] == 0xC3);
    free(block);
}

static void test_policy_file_argument_errors(void) {
    unsigned char memory[8192];
    const corsguard_policy *p = NULL;
    corsguard_policy *owned = NULL;
    size_t size = 7;
    corsguard_policy_file_error e;
    char misaligned[sizeof(corsguard_policy_file_error) + 8];
    corsguard_policy_file_error *bad_error = (corsguard_policy_file_error *)(void *)(misaligned + 1);
    size_t *bad_size = (size_t *)(void *)(misaligned + 1);

    CHECK_EQ(corsguard_policy_file_size(LIT(app_file), NULL, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_file_size(NULL, 5, &size, NULL), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_file_size(LIT(app_file), bad_size, NULL), CORSGUARD_RESULT_MISALIGNED);
    CHECK_EQ(corsguard_policy_file_size(LIT(app_file), &size, bad_error), CORSGUARD_RESULT_MISALIGNED);
    CHECK_EQ(size, 7);
    CHECK_EQ(corsguard_policy_file_init(LIT(app_file), NULL, 100, &p, &e), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_file_init(LIT(app_file), memory, sizeof memory, NULL, &e),
             CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_file_init(NULL, 5, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_file_init(LIT(app_file), memory, sizeof memory,
                                        (const corsguard_policy **)(void *)(misaligned + 1), &e),
             CORSGUARD_RESULT_MISALIGNED);
    CHECK_EQ(corsguard_policy_file_init(LIT(app_file), memory, sizeof memory, &p, bad_error),
             CORSGUARD_RESULT_MISALIGNED);
    CHECK_EQ(corsguard_policy_file_build(LIT(app_file), NULL, &e), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_policy_file_build(NULL, 5, &owned, &e), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(corsguard_policy_file_build(LIT(app_file), &owned, bad_error), CORSGUARD_RESULT_MISALIGNED);
    CHECK(p == NULL && owned == NULL);

    /* NULL with length 0 is the empty text: a file without origins, refused at no line. */
    CHECK_EQ(corsguard_policy_file_size(NULL, 0, &size, NULL), CORSGUARD_RESULT_OK);
    memset(&e, 0xEE, sizeof e);
    CHECK_EQ(corsguard_policy_file_init(NULL, 0, memory, sizeof memory, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.line, 0);
    CHECK_EQ(e.column, 0);
    CHECK_EQ(e.syntax, CORSGUARD_SYNTAX_ERROR_NONE);
    CHECK_EQ(e.policy.kind, CORSGUARD_POLICY_ERROR_KIND_NO_ORIGINS);
    CHECK_STR(e.policy.setting_name, "origins");
    CHECK(e.message == corsguard_policy_error_kind_str(CORSGUARD_POLICY_ERROR_KIND_NO_ORIGINS));
    CHECK(p == NULL);

    /* A syntax error, with and without an error struct; nothing else is written. */
    size = 7;
    memset(&e, 0xEE, sizeof e);
    CHECK_EQ(corsguard_policy_file_size(LIT("origins = https://a.example\nmethods = GET\nmethods=*\n"), &size, &e),
             CORSGUARD_RESULT_POLICY_FILE_SYNTAX);
    CHECK_EQ(size, 7);
    CHECK_EQ(e.line, 3);
    CHECK_EQ(e.column, 9);
    CHECK_EQ(e.syntax, CORSGUARD_SYNTAX_ERROR_WILDCARD_MIXED);
    CHECK_EQ(e.policy.kind, CORSGUARD_POLICY_ERROR_KIND_NONE);
    CHECK_EQ(e.policy.index, CORSGUARD_NO_INDEX);
    CHECK_STR(e.policy.setting_name, "none");
    CHECK(e.message == corsguard_syntax_error_str(CORSGUARD_SYNTAX_ERROR_WILDCARD_MIXED));
    CHECK_EQ(corsguard_policy_file_init(LIT("origins https://a.example"), memory, sizeof memory, &p, NULL),
             CORSGUARD_RESULT_POLICY_FILE_SYNTAX);
    CHECK_EQ(corsguard_policy_file_build(LIT("origins = https://a.example\ncolour = blue"), &owned, NULL),
             CORSGUARD_RESULT_POLICY_FILE_SYNTAX);
    CHECK(p == NULL && owned == NULL);

    /* A refused policy, located at the element. */
    memset(&e, 0xEE, sizeof e);
    CHECK_EQ(corsguard_policy_file_build(LIT("credentials = true\norigins = https://a.example, http://b.example\n"),
                                         &owned, &e),
             CORSGUARD_RESULT_POLICY_INVALID);
    CHECK(owned == NULL);
    CHECK_EQ(e.line, 2);
    CHECK_EQ(e.column, 30);
    CHECK_EQ(e.policy.kind, CORSGUARD_POLICY_ERROR_KIND_INSECURE_ORIGIN_WITH_CREDENTIALS);
    CHECK_EQ(e.policy.setting, CORSGUARD_SETTING_ORIGINS);
    CHECK_EQ(e.policy.index, 1);
}

/* The policy keeps nothing of the text: the text is freed (after being overwritten) right after each call. */
static void test_policy_file_text_may_be_freed(void) {
    size_t size = 0;
    unsigned char *memory;
    const corsguard_policy *p = NULL;
    corsguard_policy *owned = NULL;
    char *text = (char *)malloc(sizeof app_file - 1);
    if (text == NULL) {
        abort();
    }
    memcpy(text, app_file, sizeof app_file - 1);
    CHECK_EQ(corsguard_policy_file_size((const uint8_t *)text, sizeof app_file - 1, &size, NULL), CORSGUARD_RESULT_OK);
    memory = (unsigned char *)malloc(size);
    if (memory == NULL) {
        abort();
    }
    CHECK_EQ(corsguard_policy_file_init((const uint8_t *)text, sizeof app_file - 1, memory, size, &p, NULL),
             CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_file_build((const uint8_t *)text, sizeof app_file - 1, &owned, NULL),
             CORSGUARD_RESULT_OK);
    memset(text, 'x', sizeof app_file - 1);
    free(text);
    check_app_policy(p);
    check_app_policy(owned);
    corsguard_policy_free(owned);
    free(memory);
}

int main(void) {
    RUN(test_version);
    RUN(test_texts);
    RUN(test_init_into_static_and_stack_memory);
    RUN(test_memory_any_alignment_and_too_small);
    RUN(test_config_argument_errors);
    RUN(test_policy_errors_from_config);
    RUN(test_not_utf8_is_refused_like_non_ascii);
    RUN(test_every_setting_and_accessor);
    RUN(test_any_modes);
    RUN(test_policy_keeps_no_pointer_into_the_config);
    RUN(test_decide_errors);
    RUN(test_forged_policies_are_refused);
    RUN(test_accessors_on_no_decision);
    RUN(test_write_headers);
    RUN(test_echoed_lines_borrow_the_request);
    RUN(test_builder_null_arguments);
    RUN(test_builder_invalid_slices);
    RUN(test_builder_policy_errors_and_settings);
    RUN(test_builder_policy_outlives_builder_and_its_buffers);
    RUN(test_policy_file_size_and_init);
    RUN(test_policy_file_argument_errors);
    RUN(test_policy_file_text_may_be_freed);
    return check_finish("api");
}
