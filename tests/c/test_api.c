/* Every function of the C ABI and every error path it documents: NULL pointers, invalid slices, too many
 * header lines, refused policies, too-small buffers, forged decisions, and what is (not) written on failure. */
#include <stdlib.h>

#include "check.h"
#include "corsguard.h"

#define LIT(s) ((const uint8_t *)(s)), (sizeof(s) - 1)

static corsguard_slice slice_of(const char *s) {
    corsguard_slice out;
    out.ptr = (const uint8_t *)s;
    out.len = strlen(s);
    return out;
}

static corsguard_request request_of(const char *method, const corsguard_slice *origin, size_t origin_count) {
    corsguard_request r;
    memset(&r, 0, sizeof r);
    r.method = slice_of(method);
    r.origin = origin;
    r.origin_count = origin_count;
    return r;
}

static corsguard_policy *build_one(const char *origin) {
    corsguard_policy_builder *b = NULL;
    corsguard_policy *p = NULL;
    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, (const uint8_t *)origin, strlen(origin)), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, NULL), CORSGUARD_RESULT_OK);
    corsguard_policy_builder_free(b);
    return p;
}

static bool header_is(const corsguard_header *h, const char *name, const char *value) {
    return h->name.len == strlen(name) && memcmp(h->name.ptr, name, h->name.len) == 0 &&
           h->value.len == strlen(value) && (h->value.len == 0 || memcmp(h->value.ptr, value, h->value.len) == 0);
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
    for (code = 1; code <= CORSGUARD_RESULT_PANIC; code++) {
        CHECK(strcmp(corsguard_result_str(code), "unknown code") != 0);
        CHECK(strcmp(corsguard_result_str(code), corsguard_result_str(code - 1)) != 0);
    }
    CHECK_STR(corsguard_result_str(CORSGUARD_RESULT_PANIC + 1), "unknown code");
    CHECK_STR(corsguard_result_str(0xFFFFFFFFu), "unknown code");

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
    CHECK_STR(corsguard_setting_str(CORSGUARD_SETTING_INDEX + 1), "unknown code");
}

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

static void test_policy_errors(void) {
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
    CHECK_EQ(e.origin_error, CORSGUARD_ORIGIN_ERROR_NONE);
    CHECK(e.message == corsguard_policy_error_kind_str(e.kind));
    CHECK_STR(e.setting_name, "origins");
    /* A NULL error_out is allowed. */
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
    CHECK_STR(e.setting_name, "request_headers");
    CHECK_EQ(corsguard_policy_builder_set_request_headers_any(b, false), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_credentials(b, true), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_exposed_headers_any(b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_EXPOSE_ANY_WITH_CREDENTIALS);
    CHECK_EQ(corsguard_policy_builder_set_exposed_headers(b, NULL, 0), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_max_age(b, 86401), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_MAX_AGE_OUT_OF_RANGE);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_MAX_AGE);
    CHECK_EQ(corsguard_policy_builder_clear_max_age(b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_preflight_statuses(b, 301, 403), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_STATUS_OUT_OF_RANGE);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_PREFLIGHT_SUCCESS_STATUS);
    CHECK_EQ(corsguard_policy_builder_set_preflight_statuses(b, 204, 0x10000u + 403u), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_PREFLIGHT_FAILURE_STATUS);
    CHECK_EQ(corsguard_policy_builder_set_preflight_statuses(b, 204, 403), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_caps(b, 512, 0, 64), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_CAP_OUT_OF_RANGE);
    CHECK_EQ(e.setting, CORSGUARD_SETTING_MAX_REQUEST_HEADERS_LEN);
    CHECK_EQ(corsguard_policy_builder_set_caps(b, 512, 2048, 64), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("http://intranet.example")), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_INSECURE_ORIGIN_WITH_CREDENTIALS);
    CHECK_EQ(e.index, 1);
    CHECK_EQ(corsguard_policy_builder_set_allow_insecure_origins_with_credentials(b, true), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_OK);
    CHECK(p != NULL);
    corsguard_policy_free(p);
    corsguard_policy_builder_free(b);

    /* Bytes that are not UTF-8 are refused like any other non-ASCII byte, at their index. */
    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("https://ok.example")), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("https://\xff\xfe.example")), CORSGUARD_RESULT_OK);
    p = NULL;
    CHECK_EQ(corsguard_policy_builder_build(b, &p, &e), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e.kind, CORSGUARD_POLICY_ERROR_KIND_ORIGIN_MALFORMED);
    CHECK_EQ(e.origin_error, CORSGUARD_ORIGIN_ERROR_NOT_ASCII);
    CHECK_EQ(e.index, 1);
    corsguard_policy_builder_free(b);
}

static void test_every_setting_and_decision_fields(void) {
    corsguard_policy_builder *b = NULL;
    corsguard_policy *p = NULL;
    corsguard_slice methods[2], names[2], exposed[1];
    corsguard_slice origin = slice_of("https://api.example.org");
    corsguard_slice acrm = slice_of(" PUT ");
    corsguard_slice acrh = slice_of("x-request-id,Content-Type");
    corsguard_slice acrpn = slice_of("true");
    corsguard_request r;
    corsguard_decision d;
    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("https://*.example.org")), CORSGUARD_RESULT_OK);
    methods[0] = slice_of("GET");
    methods[1] = slice_of("PUT");
    names[0] = slice_of("content-type");
    names[1] = slice_of("X-Request-Id");
    exposed[0] = slice_of("x-total-count");
    CHECK_EQ(corsguard_policy_builder_set_credentials(b, true), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_methods(b, methods, 2), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_request_headers(b, names, 2), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_exposed_headers(b, exposed, 1), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_max_age(b, 600), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_preflight_statuses(b, 200, 404), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_private_network(b, true), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_caps(b, 100, 100, 2), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, NULL), CORSGUARD_RESULT_OK);
    corsguard_policy_builder_free(b);

    r = request_of("OPTIONS", &origin, 1);
    r.request_method = &acrm;
    r.request_method_count = 1;
    r.request_headers = &acrh;
    r.request_headers_count = 1;
    r.request_private_network = &acrpn;
    r.request_private_network_count = 1;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.kind, CORSGUARD_KIND_PREFLIGHT);
    CHECK_EQ(d.verdict, CORSGUARD_VERDICT_ALLOWED);
    CHECK_EQ(d.reason, CORSGUARD_REASON_NONE);
    CHECK_EQ(d.status, 200);
    CHECK(d.answer_now);
    CHECK_EQ(d.header_count, 7);
    CHECK(header_is(&d.headers[0], "Access-Control-Allow-Origin", "https://api.example.org"));
    CHECK(d.headers[0].value.ptr == origin.ptr); /* reflected, not copied */
    CHECK(header_is(&d.headers[1], "Access-Control-Allow-Credentials", "true"));
    CHECK(header_is(&d.headers[2], "Access-Control-Allow-Methods", "GET, PUT"));
    CHECK(header_is(&d.headers[3], "Access-Control-Allow-Headers", "content-type, x-request-id"));
    CHECK(header_is(&d.headers[4], "Access-Control-Max-Age", "600"));
    CHECK(header_is(&d.headers[5], "Access-Control-Allow-Private-Network", "true"));
    CHECK(header_is(&d.headers[6], "Vary",
                    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
                    "Access-Control-Request-Private-Network"));
    /* Names are NUL-terminated one past their length, so they can be printed as C strings. */
    CHECK_STR((const char *)d.headers[0].name.ptr, "Access-Control-Allow-Origin");
    CHECK(d.headers[7].name.ptr == NULL && d.headers[7].value.len == 0);

    /* Three names exceed the cap of 2: denied, failure status, only Vary. */
    acrh = slice_of("content-type, x-request-id, content-type");
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.verdict, CORSGUARD_VERDICT_DENIED);
    CHECK_EQ(d.reason, CORSGUARD_REASON_HEADERS_TOO_MANY);
    CHECK_EQ(d.status, 404);
    CHECK(d.answer_now);
    CHECK_EQ(d.header_count, 1);

    /* A malformed Origin names its origin error. */
    origin = slice_of("https://api.example.org/");
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.reason, CORSGUARD_REASON_ORIGIN_MALFORMED);
    CHECK_EQ(d.origin_error, CORSGUARD_ORIGIN_ERROR_HAS_PATH);

    /* An actual request gets ACAO, ACAC, ACEH, Vary and no status. */
    origin = slice_of("https://www.example.org");
    r = request_of("POST", &origin, 1);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.kind, CORSGUARD_KIND_ACTUAL);
    CHECK_EQ(d.status, 0);
    CHECK(!d.answer_now);
    CHECK_EQ(d.header_count, 4);
    CHECK(header_is(&d.headers[2], "Access-Control-Expose-Headers", "x-total-count"));

    /* No Origin: not CORS, allowed, only Vary. */
    r = request_of("GET", NULL, 0);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.kind, CORSGUARD_KIND_NOT_CORS);
    CHECK_EQ(d.verdict, CORSGUARD_VERDICT_ALLOWED);
    CHECK_EQ(d.header_count, 1);
    CHECK(header_is(&d.headers[0], "Vary", "Origin"));
    corsguard_policy_free(p);
}

static void test_any_settings(void) {
    corsguard_policy_builder *b = NULL;
    corsguard_policy *p = NULL;
    corsguard_slice origin = slice_of("https://anyone.example");
    corsguard_slice acrm = slice_of("PATCH");
    corsguard_slice acrh = slice_of("authorization");
    corsguard_request r;
    corsguard_decision d;
    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("*")), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_methods_any(b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_request_headers_any(b, true), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_exposed_headers_any(b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, NULL), CORSGUARD_RESULT_OK);
    r = request_of("OPTIONS", &origin, 1);
    r.request_method = &acrm;
    r.request_method_count = 1;
    r.request_headers = &acrh;
    r.request_headers_count = 1;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK(header_is(&d.headers[0], "Access-Control-Allow-Origin", "*"));
    CHECK(header_is(&d.headers[1], "Access-Control-Allow-Methods", "*"));
    CHECK(header_is(&d.headers[2], "Access-Control-Allow-Headers", "*, authorization"));
    corsguard_policy_free(p);
    /* Without Authorization, `*` does not cover it. */
    CHECK_EQ(corsguard_policy_builder_set_request_headers_any(b, false), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, NULL), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.reason, CORSGUARD_REASON_AUTHORIZATION_NOT_ALLOWED);
    corsguard_policy_free(p);
    corsguard_policy_builder_free(b);
}

static void test_policy_outlives_builder_and_its_buffers(void) {
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
    CHECK_EQ(d.reason, CORSGUARD_REASON_ORIGIN_NOT_ALLOWED);
    CHECK_EQ(corsguard_decide(second, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.reason, CORSGUARD_REASON_NONE);
    corsguard_policy_free(first);
    corsguard_policy_free(second);
}

static void test_decide_errors(void) {
    corsguard_policy *p = build_one("https://a.example");
    corsguard_slice origin = slice_of("https://a.example");
    corsguard_slice lines[CORSGUARD_MAX_HEADER_LINES + 1];
    corsguard_slice bad;
    corsguard_request r = request_of("GET", &origin, 1);
    corsguard_decision d;
    size_t i;
    memset(&d, 0xAB, sizeof d);
    CHECK_EQ(corsguard_decide(NULL, &r, &d), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_decide(p, NULL, &d), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(corsguard_decide(p, &r, NULL), CORSGUARD_RESULT_NULL_ARGUMENT);
    CHECK_EQ(d.kind, 0xABABABABu); /* nothing was written */

    for (i = 0; i < CORSGUARD_MAX_HEADER_LINES + 1; i++) {
        lines[i] = slice_of("x-a");
    }
    r.request_headers = lines;
    r.request_headers_count = CORSGUARD_MAX_HEADER_LINES + 1;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_TOO_MANY_LINES);
    r.request_headers = NULL;
    r.request_headers_count = 0;
    r.origin = lines;
    r.origin_count = SIZE_MAX;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_TOO_MANY_LINES);
    CHECK_EQ(d.kind, 0xABABABABu);
    /* At the cap it is a decision (several Origin lines: denied). */
    r.origin_count = CORSGUARD_MAX_HEADER_LINES;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.reason, CORSGUARD_REASON_ORIGIN_MULTIPLE);

    r = request_of("GET", NULL, 1);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    bad.ptr = NULL;
    bad.len = 4;
    r = request_of("GET", &bad, 1);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    r = request_of("GET", &origin, 1);
    r.method = bad;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    r = request_of("OPTIONS", &origin, 1);
    r.request_method = &bad;
    r.request_method_count = 1;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    r.request_method = NULL;
    r.request_method_count = 0;
    r.request_private_network = &bad;
    r.request_private_network_count = 1;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);
    bad.ptr = (const uint8_t *)"x";
    bad.len = (size_t)PTRDIFF_MAX + 1;
    r = request_of("GET", &bad, 1);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_INVALID_SLICE);

    /* Any bytes are a valid request: a decision, not an error. */
    bad.ptr = (const uint8_t *)"\xff\x00\r\n";
    bad.len = 4;
    r = request_of("\xc3\x28", &bad, 1);
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.reason, CORSGUARD_REASON_ORIGIN_MALFORMED);
    CHECK_EQ(d.origin_error, CORSGUARD_ORIGIN_ERROR_NOT_ASCII);
    /* An empty method with a NULL pointer is fine too. */
    r = request_of("", &origin, 1);
    r.method.ptr = NULL;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.kind, CORSGUARD_KIND_ACTUAL);
    corsguard_policy_free(p);
}

static void test_write_headers(void) {
    static const char expected[] = "Access-Control-Allow-Origin: https://a.example\r\nVary: Origin\r\n";
    corsguard_policy *p = build_one("https://a.example");
    corsguard_slice origin = slice_of("https://a.example");
    corsguard_request r = request_of("GET", &origin, 1);
    corsguard_decision d, forged;
    unsigned char buf[256];
    size_t n = 12345;
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
    CHECK_EQ(n, 777);

    forged = d;
    forged.header_count = CORSGUARD_MAX_HEADERS + 1;
    CHECK_EQ(corsguard_decision_write_headers(&forged, buf, sizeof buf, &n), CORSGUARD_RESULT_INVALID_DECISION);
    forged = d;
    forged.headers[1].value.ptr = NULL;
    CHECK_EQ(corsguard_decision_write_headers(&forged, buf, sizeof buf, &n), CORSGUARD_RESULT_INVALID_SLICE);
    forged = d;
    forged.headers[0].value.len = (size_t)PTRDIFF_MAX + 1;
    CHECK_EQ(corsguard_decision_write_headers(&forged, buf, sizeof buf, &n), CORSGUARD_RESULT_INVALID_SLICE);
    CHECK_EQ(n, 777);
    forged.header_count = 0;
    CHECK_EQ(corsguard_decision_write_headers(&forged, NULL, 0, &n), CORSGUARD_RESULT_OK);
    CHECK_EQ(n, 0);
    corsguard_policy_free(p);
}

static void test_echoed_lines_borrow_the_request(void) {
    corsguard_policy_builder *b = NULL;
    corsguard_policy *p = NULL;
    corsguard_slice origin = slice_of("https://a.example");
    corsguard_slice acrm = slice_of("POST");
    corsguard_slice acrh[3];
    corsguard_request r = request_of("OPTIONS", &origin, 1);
    corsguard_decision d;
    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_add_origin(b, LIT("https://a.example")), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_credentials(b, true), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_set_request_headers_any(b, false), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_policy_builder_build(b, &p, NULL), CORSGUARD_RESULT_OK);
    corsguard_policy_builder_free(b);
    acrh[0] = slice_of(" x-a ");
    acrh[1] = slice_of("");
    acrh[2] = slice_of("x-b,x-c");
    r.request_method = &acrm;
    r.request_method_count = 1;
    r.request_headers = acrh;
    r.request_headers_count = 3;
    CHECK_EQ(corsguard_decide(p, &r, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.verdict, CORSGUARD_VERDICT_ALLOWED);
    CHECK(header_is(&d.headers[3], "Access-Control-Allow-Headers", "x-a"));
    CHECK(d.headers[3].value.ptr == acrh[0].ptr + 1);
    CHECK(header_is(&d.headers[4], "Access-Control-Allow-Headers", "x-b,x-c"));
    CHECK(d.headers[4].value.ptr == acrh[2].ptr);
    corsguard_policy_free(p);
}

int main(void) {
    RUN(test_version);
    RUN(test_texts);
    RUN(test_builder_null_arguments);
    RUN(test_builder_invalid_slices);
    RUN(test_policy_errors);
    RUN(test_every_setting_and_decision_fields);
    RUN(test_any_settings);
    RUN(test_policy_outlives_builder_and_its_buffers);
    RUN(test_decide_errors);
    RUN(test_write_headers);
    RUN(test_echoed_lines_borrow_the_request);
    return check_finish("api");
}
