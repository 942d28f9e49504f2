/* Runs every shared vector (the JSON files in tests/vectors, made C data by gen_vectors.py) through the C ABI.
 *
 * Every byte string is first copied into a heap buffer of exactly its length, so that AddressSanitizer and
 * valgrind see any read past the end; policy strings are freed right after they are handed to the builder,
 * and the builder right after the build, so the policy relying on either would be a use after free. */
#include <stdlib.h>

#include "check.h"
#include "vectors.h"

/* A heap copy of exactly b->len bytes; NULL for an empty string (the ABI allows NULL with length 0). */
static unsigned char *copy_bytes(const tv_bytes *b) {
    unsigned char *p;
    if (b->len == 0) {
        return NULL;
    }
    p = (unsigned char *)malloc(b->len);
    if (p == NULL) {
        abort();
    }
    memcpy(p, b->ptr, b->len);
    return p;
}

/* Heap copies of a list, as slices; free with free_slices. NULL for an empty list. */
static corsguard_slice *copy_slices(const tv_list *list) {
    size_t i;
    corsguard_slice *s;
    if (list->count == 0) {
        return NULL;
    }
    s = (corsguard_slice *)malloc(list->count * sizeof *s);
    if (s == NULL) {
        abort();
    }
    for (i = 0; i < list->count; i++) {
        s[i].ptr = copy_bytes(&list->items[i]);
        s[i].len = list->items[i].len;
    }
    return s;
}

static void free_slices(corsguard_slice *s, size_t count) {
    size_t i;
    for (i = 0; s != NULL && i < count; i++) {
        free((void *)s[i].ptr);
    }
    free(s);
}

typedef corsguard_result (*list_setter)(corsguard_policy_builder *, const corsguard_slice *, size_t);

static void set_list(corsguard_policy_builder *b, const tv_list *list, list_setter set) {
    corsguard_slice *s = copy_slices(list);
    CHECK_EQ(set(b, s, list->count), CORSGUARD_RESULT_OK);
    free_slices(s, list->count);
}

static corsguard_result build(const tv_vector *v, corsguard_policy **policy, corsguard_policy_error *error) {
    corsguard_policy_builder *b = NULL;
    corsguard_result result;
    size_t i;
    CHECK_EQ(corsguard_policy_builder_new(&b), CORSGUARD_RESULT_OK);
    for (i = 0; i < v->origins.count; i++) {
        unsigned char *origin = copy_bytes(&v->origins.items[i]);
        CHECK_EQ(corsguard_policy_builder_add_origin(b, origin, v->origins.items[i].len), CORSGUARD_RESULT_OK);
        free(origin);
    }
    if (v->has_credentials) {
        CHECK_EQ(corsguard_policy_builder_set_credentials(b, v->credentials != 0), CORSGUARD_RESULT_OK);
    }
    if (v->methods_mode == TV_LIST) {
        set_list(b, &v->methods, corsguard_policy_builder_set_methods);
    } else if (v->methods_mode == TV_ANY) {
        CHECK_EQ(corsguard_policy_builder_set_methods_any(b), CORSGUARD_RESULT_OK);
    }
    if (v->request_headers_mode == TV_LIST) {
        set_list(b, &v->request_headers, corsguard_policy_builder_set_request_headers);
    } else if (v->request_headers_mode == TV_ANY || v->request_headers_mode == TV_ANY_WITH_AUTHORIZATION) {
        bool authorization = v->request_headers_mode == TV_ANY_WITH_AUTHORIZATION;
        CHECK_EQ(corsguard_policy_builder_set_request_headers_any(b, authorization), CORSGUARD_RESULT_OK);
    }
    if (v->exposed_headers_mode == TV_LIST) {
        set_list(b, &v->exposed_headers, corsguard_policy_builder_set_exposed_headers);
    } else if (v->exposed_headers_mode == TV_ANY) {
        CHECK_EQ(corsguard_policy_builder_set_exposed_headers_any(b), CORSGUARD_RESULT_OK);
    }
    if (v->max_age_mode == TV_SET) {
        CHECK_EQ(corsguard_policy_builder_set_max_age(b, v->max_age), CORSGUARD_RESULT_OK);
    } else if (v->max_age_mode == TV_CLEARED) {
        CHECK_EQ(corsguard_policy_builder_clear_max_age(b), CORSGUARD_RESULT_OK);
    }
    if (v->has_statuses) {
        CHECK_EQ(corsguard_policy_builder_set_preflight_statuses(b, v->success_status, v->failure_status),
                 CORSGUARD_RESULT_OK);
    }
    if (v->has_private_network) {
        CHECK_EQ(corsguard_policy_builder_set_private_network(b, v->private_network != 0), CORSGUARD_RESULT_OK);
    }
    if (v->has_allow_insecure_origins_with_credentials) {
        bool allow = v->allow_insecure_origins_with_credentials != 0;
        CHECK_EQ(corsguard_policy_builder_set_allow_insecure_origins_with_credentials(b, allow), CORSGUARD_RESULT_OK);
    }
    if (v->has_caps) {
        CHECK_EQ(corsguard_policy_builder_set_caps(b, v->max_origin_len, v->max_request_headers_len,
                                                   v->max_request_headers_count),
                 CORSGUARD_RESULT_OK);
    }
    result = corsguard_policy_builder_build(b, policy, error);
    corsguard_policy_builder_free(b);
    return result;
}

static void check_policy_error(const tv_vector *v) {
    corsguard_policy *policy = NULL;
    corsguard_policy_error error;
    memset(&error, 0xEE, sizeof error);
    CHECK_EQ(build(v, &policy, &error), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK(policy == NULL);
    CHECK_EQ(error.kind, v->error_kind);
    CHECK_EQ(error.index, v->error_index);
    CHECK_EQ(error.origin_error, v->error_origin_error);
    CHECK(error.message == corsguard_policy_error_kind_str(error.kind));
    CHECK(error.setting_name == corsguard_setting_str(error.setting));
    if (v->error_setting != NULL) {
        CHECK_STR(error.setting_name, v->error_setting);
    }
    corsguard_policy_free(policy);
}

static bool is_field_value(const uint8_t *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] == '\r' || p[i] == '\n' || p[i] == 0 || p[i] == 0x7f || (p[i] < 0x20 && p[i] != '\t')) {
            return false;
        }
    }
    return true;
}

static void check_decision(const tv_vector *v) {
    corsguard_policy *policy = NULL;
    corsguard_policy_error error;
    corsguard_request request;
    corsguard_decision d;
    corsguard_slice *origin, *acrm, *acrh, *acrpn;
    unsigned char *method, *rendered, *expected;
    size_t i, needed = 0, written = 0, at = 0;

    CHECK_EQ(build(v, &policy, &error), CORSGUARD_RESULT_OK);
    if (policy == NULL) {
        fprintf(stderr, "  policy refused: %s (%s)\n", error.message, error.setting_name);
        return;
    }
    method = copy_bytes(&v->method);
    origin = copy_slices(&v->req_origin);
    acrm = copy_slices(&v->req_request_method);
    acrh = copy_slices(&v->req_request_headers);
    acrpn = copy_slices(&v->req_request_private_network);
    request.method.ptr = method;
    request.method.len = v->method.len;
    request.origin = origin;
    request.origin_count = v->req_origin.count;
    request.request_method = acrm;
    request.request_method_count = v->req_request_method.count;
    request.request_headers = acrh;
    request.request_headers_count = v->req_request_headers.count;
    request.request_private_network = acrpn;
    request.request_private_network_count = v->req_request_private_network.count;

    CHECK_EQ(corsguard_decide(policy, &request, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(d.kind, v->kind);
    CHECK_EQ(d.verdict, v->verdict);
    CHECK_EQ(d.reason, v->reason);
    CHECK_EQ(d.origin_error, v->origin_error);
    CHECK_EQ(d.status, v->status);
    CHECK_EQ(d.answer_now, v->kind == CORSGUARD_KIND_PREFLIGHT);
    CHECK_EQ(d.header_count, v->headers.count);
    for (i = 0; i < d.header_count && i < v->headers.count; i++) {
        const tv_header *want = &v->headers.items[i];
        CHECK_BYTES(d.headers[i].name.ptr, d.headers[i].name.len, want->name.ptr, want->name.len);
        CHECK_BYTES(d.headers[i].value.ptr, d.headers[i].value.len, want->value.ptr, want->value.len);
        CHECK(is_field_value(d.headers[i].value.ptr, d.headers[i].value.len));
        CHECK(d.headers[i].name.ptr[d.headers[i].name.len] == 0);
    }
    for (; i < CORSGUARD_MAX_HEADERS; i++) {
        CHECK(d.headers[i].name.len == 0 && d.headers[i].value.len == 0);
    }

    /* The rendering is exactly "Name: value\r\n" per expected header, and a buffer one byte short is refused. */
    for (i = 0; i < v->headers.count; i++) {
        at += v->headers.items[i].name.len + v->headers.items[i].value.len + 4;
    }
    expected = (unsigned char *)malloc(at + 1);
    rendered = (unsigned char *)malloc(at + 1);
    if (expected == NULL || rendered == NULL) {
        abort();
    }
    for (i = 0, at = 0; i < v->headers.count; i++) {
        const tv_header *h = &v->headers.items[i];
        memcpy(expected + at, h->name.ptr, h->name.len);
        at += h->name.len;
        memcpy(expected + at, ": ", 2);
        at += 2;
        memcpy(expected + at, h->value.ptr, h->value.len);
        at += h->value.len;
        memcpy(expected + at, "\r\n", 2);
        at += 2;
    }
    CHECK_EQ(corsguard_decision_write_headers(&d, NULL, 0, &needed), at == 0 ? CORSGUARD_RESULT_OK
                                                                               : CORSGUARD_RESULT_BUFFER_TOO_SMALL);
    CHECK_EQ(needed, at);
    if (at > 0) {
        CHECK_EQ(corsguard_decision_write_headers(&d, rendered, at - 1, &needed), CORSGUARD_RESULT_BUFFER_TOO_SMALL);
        CHECK_EQ(needed, at);
    }
    if (corsguard_decision_write_headers(&d, rendered, at, &written) == CORSGUARD_RESULT_OK) {
        CHECK_BYTES(rendered, written, expected, at);
    } else {
        CHECK(!"the expected headers do not fit in their own size");
    }

    free(expected);
    free(rendered);
    free(method);
    free_slices(origin, v->req_origin.count);
    free_slices(acrm, v->req_request_method.count);
    free_slices(acrh, v->req_request_headers.count);
    free_slices(acrpn, v->req_request_private_network.count);
    corsguard_policy_free(policy);
}

int main(void) {
    size_t i;
    for (i = 0; i < tv_vector_count; i++) {
        const tv_vector *v = &tv_vectors[i];
        check_begin(v->name);
        if (v->expect_error) {
            check_policy_error(v);
        } else {
            check_decision(v);
        }
        check_end();
    }
    if (tv_vector_count == 0) {
        fprintf(stderr, "no vectors in tests/vectors: nothing was checked\n");
        return 1;
    }
    return check_finish("vectors");
}
