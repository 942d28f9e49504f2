/* Runs every shared vector (the JSON files in tests/vectors, made C data by gen_vectors.py) through the C ABI,
 * twice: a policy built from a corsguard_config into a heap block of exactly corsguard_policy_size bytes, and
 * one from the builder. Both must give the vector's answer.
 *
 * Every byte string is first copied into a heap buffer of exactly its length, so that AddressSanitizer and
 * valgrind see any read past the end; policy strings (and the config) are freed right after the init or after
 * they are handed to the builder, and the builder right after the build, so a policy relying on any of them
 * would be a use after free. The policy files of policy_files.json go through corsguard_policy_file_size and
 * _init (into a heap block of exactly that size) and corsguard_policy_file_build, each giving the file's error. */
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

static corsguard_result build_with_builder(const tv_vector *v, corsguard_policy **policy,
                                           corsguard_policy_error *error) {
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

/* Whether the vector can be written as a corsguard_config, where 0 means the default: a vector that sets a
 * status or cap to 0 (to see it refused) runs through the builder only. */
static bool expressible_as_config(const tv_vector *v) {
    return !(v->has_statuses && (v->success_status == 0 || v->failure_status == 0)) &&
           !(v->has_caps && (v->max_origin_len == 0 || v->max_request_headers_len == 0 ||
                             v->max_request_headers_count == 0));
}

static uint32_t mode_of(int tv_mode) {
    switch (tv_mode) {
    case TV_LIST:
        return CORSGUARD_MODE_LIST;
    case TV_ANY:
        return CORSGUARD_MODE_ANY;
    case TV_ANY_WITH_AUTHORIZATION:
        return CORSGUARD_MODE_ANY_WITH_AUTHORIZATION;
    default:
        return CORSGUARD_MODE_DEFAULT;
    }
}

/* Builds the vector's policy from a heap-allocated config into a heap block of exactly the size asked for;
 * `*memory` owns the block (NULL when nothing was built). */
static corsguard_result build_with_config(const tv_vector *v, unsigned char **memory, const corsguard_policy **policy,
                                          corsguard_policy_error *error) {
    corsguard_config *c = (corsguard_config *)calloc(1, sizeof *c);
    corsguard_result result;
    size_t size = 0;
    if (c == NULL) {
        abort();
    }
    *memory = NULL;
    c->origins = copy_slices(&v->origins);
    c->origin_count = v->origins.count;
    c->credentials = v->has_credentials && v->credentials;
    c->methods_mode = mode_of(v->methods_mode);
    c->methods = copy_slices(&v->methods);
    c->method_count = v->methods.count;
    c->request_headers_mode = mode_of(v->request_headers_mode);
    c->request_headers = copy_slices(&v->request_headers);
    c->request_header_count = v->request_headers.count;
    c->exposed_headers_mode = mode_of(v->exposed_headers_mode);
    c->exposed_headers = copy_slices(&v->exposed_headers);
    c->exposed_header_count = v->exposed_headers.count;
    c->has_max_age = v->max_age_mode == TV_SET;
    c->max_age = v->max_age;
    if (v->has_statuses) {
        /* Above 65535 is out of range either way; 0xFFFF keeps it so for the init to report. */
        c->preflight_success_status = v->success_status > 0xFFFFu ? 0xFFFFu : (uint16_t)v->success_status;
        c->preflight_failure_status = v->failure_status > 0xFFFFu ? 0xFFFFu : (uint16_t)v->failure_status;
    }
    c->private_network = v->has_private_network && v->private_network;
    c->allow_insecure_origins_with_credentials =
        v->has_allow_insecure_origins_with_credentials && v->allow_insecure_origins_with_credentials;
    if (v->has_caps) {
        c->max_origin_len = v->max_origin_len;
        c->max_request_headers_len = v->max_request_headers_len;
        c->max_request_headers_count = v->max_request_headers_count;
    }
    result = corsguard_policy_size(c, &size);
    CHECK_EQ(result, CORSGUARD_RESULT_OK);
    if (result == CORSGUARD_RESULT_OK) {
        *memory = (unsigned char *)malloc(size);
        if (*memory == NULL) {
            abort();
        }
        result = corsguard_policy_init(c, *memory, size, policy, error);
        if (result != CORSGUARD_RESULT_OK) {
            free(*memory);
            *memory = NULL;
        }
    }
    free_slices((corsguard_slice *)c->origins, c->origin_count);
    free_slices((corsguard_slice *)c->methods, c->method_count);
    free_slices((corsguard_slice *)c->request_headers, c->request_header_count);
    free_slices((corsguard_slice *)c->exposed_headers, c->exposed_header_count);
    free(c);
    return result;
}

static void check_error_fields(const tv_vector *v, const corsguard_policy_error *error) {
    CHECK_EQ(error->kind, v->error_kind);
    CHECK_EQ(error->index, v->error_index);
    CHECK_EQ(error->origin_error, v->error_origin_error);
    CHECK(error->message == corsguard_policy_error_kind_str(error->kind));
    CHECK(error->setting_name == corsguard_setting_str(error->setting));
    if (v->error_setting != NULL) {
        CHECK_STR(error->setting_name, v->error_setting);
    }
}

static void check_policy_error(const tv_vector *v) {
    corsguard_policy *policy = NULL;
    const corsguard_policy *in_memory = NULL;
    unsigned char *memory = NULL;
    corsguard_policy_error error;
    memset(&error, 0xEE, sizeof error);
    CHECK_EQ(build_with_builder(v, &policy, &error), CORSGUARD_RESULT_POLICY_INVALID);
    CHECK(policy == NULL);
    check_error_fields(v, &error);
    corsguard_policy_free(policy);
    if (expressible_as_config(v)) {
        memset(&error, 0xEE, sizeof error);
        CHECK_EQ(build_with_config(v, &memory, &in_memory, &error), CORSGUARD_RESULT_POLICY_INVALID);
        CHECK(in_memory == NULL && memory == NULL);
        check_error_fields(v, &error);
    }
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

/* The first of `count` lines, or an empty slice when there are none (the header is absent). */
static corsguard_slice first_line(const corsguard_slice *lines, size_t count) {
    corsguard_slice none = {NULL, 0};
    return count > 0 ? lines[0] : none;
}

static void check_decision_with(const tv_vector *v, const corsguard_policy *policy) {
    corsguard_request request;
    corsguard_decision d;
    corsguard_header headers[CORSGUARD_MAX_HEADERS], extra;
    corsguard_slice *origin, *acrm, *acrh, *acrpn;
    unsigned char *method, *rendered, *expected;
    size_t i, count = 0, needed = 0, written = 0, at = 0;

    method = copy_bytes(&v->method);
    origin = copy_slices(&v->req_origin);
    acrm = copy_slices(&v->req_request_method);
    acrh = copy_slices(&v->req_request_headers);
    acrpn = copy_slices(&v->req_request_private_network);
    request.method.ptr = method;
    request.method.len = v->method.len;
    request.origin = first_line(origin, v->req_origin.count);
    request.origin_count = v->req_origin.count;
    request.request_method = first_line(acrm, v->req_request_method.count);
    request.request_method_count = v->req_request_method.count;
    request.request_headers = acrh;
    request.request_headers_count = v->req_request_headers.count;
    request.request_private_network = first_line(acrpn, v->req_request_private_network.count);
    request.request_private_network_count = v->req_request_private_network.count;

    CHECK_EQ(corsguard_decide(policy, &request, &d), CORSGUARD_RESULT_OK);
    CHECK_EQ(corsguard_decision_kind(&d), v->kind);
    CHECK_EQ(corsguard_decision_verdict(&d), v->verdict);
    CHECK_EQ(corsguard_decision_reason(&d), v->reason);
    CHECK_EQ(corsguard_decision_origin_error(&d), v->origin_error);
    CHECK_EQ(corsguard_decision_status(&d), v->status);
    CHECK_EQ(corsguard_decision_answer_now(&d), v->kind == CORSGUARD_KIND_PREFLIGHT);
    CHECK_EQ(corsguard_decision_header_count(&d), v->headers.count);
    CHECK_EQ(corsguard_decision_headers(&d, headers, CORSGUARD_MAX_HEADERS, &count), CORSGUARD_RESULT_OK);
    CHECK_EQ(count, v->headers.count);
    for (i = 0; i < count && i < v->headers.count; i++) {
        const tv_header *want = &v->headers.items[i];
        CHECK_BYTES(headers[i].name.ptr, headers[i].name.len, want->name.ptr, want->name.len);
        CHECK_BYTES(headers[i].value.ptr, headers[i].value.len, want->value.ptr, want->value.len);
        CHECK(is_field_value(headers[i].value.ptr, headers[i].value.len));
        CHECK(headers[i].name.ptr[headers[i].name.len] == 0);
        CHECK_EQ(corsguard_decision_header(&d, i, &extra), CORSGUARD_RESULT_OK);
        CHECK(extra.name.ptr == headers[i].name.ptr && extra.value.ptr == headers[i].value.ptr);
    }
    CHECK_EQ(corsguard_decision_header(&d, count, &extra), CORSGUARD_RESULT_OUT_OF_RANGE);

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
}

static void check_decision(const tv_vector *v) {
    corsguard_policy *policy = NULL;
    const corsguard_policy *in_memory = NULL;
    unsigned char *memory = NULL;
    corsguard_policy_error error;

    CHECK_EQ(build_with_builder(v, &policy, &error), CORSGUARD_RESULT_OK);
    if (policy == NULL) {
        fprintf(stderr, "  policy refused by the builder: %s (%s)\n", error.message, error.setting_name);
    } else {
        check_decision_with(v, policy);
        corsguard_policy_free(policy);
    }
    if (expressible_as_config(v)) {
        CHECK_EQ(build_with_config(v, &memory, &in_memory, &error), CORSGUARD_RESULT_OK);
        if (in_memory == NULL) {
            fprintf(stderr, "  policy refused by corsguard_policy_init: %s (%s)\n", error.message, error.setting_name);
        } else {
            check_decision_with(v, in_memory);
        }
        free(memory);
    }
}

static void check_file_error(const tv_policy_file *v, corsguard_result result, const corsguard_policy_file_error *e) {
    CHECK_EQ(result, v->syntax != 0 ? CORSGUARD_RESULT_POLICY_FILE_SYNTAX : CORSGUARD_RESULT_POLICY_INVALID);
    CHECK_EQ(e->line, v->line);
    CHECK_EQ(e->column, v->column);
    CHECK_EQ(e->syntax, v->syntax);
    CHECK_EQ(e->policy.kind, v->policy_kind);
    CHECK(e->message != NULL);
    if (v->syntax != 0) {
        CHECK(e->message == corsguard_syntax_error_str(v->syntax));
        CHECK_EQ(e->policy.index, CORSGUARD_NO_INDEX);
    } else {
        CHECK(e->message == corsguard_policy_error_kind_str(v->policy_kind));
        CHECK_EQ(e->policy.index, v->policy_index);
        CHECK_EQ(e->policy.origin_error, v->policy_origin_error);
        CHECK_STR(e->policy.setting_name, v->policy_setting);
    }
}

/* One policy file, through corsguard_policy_file_size + _init (into a heap block of exactly that size, so the
 * sanitizers see any access past it) and through corsguard_policy_file_build. */
static void check_policy_file(const tv_policy_file *v) {
    const uint8_t *text = (const uint8_t *)v->text.ptr;
    corsguard_policy_file_error error;
    const corsguard_policy *in_memory = NULL;
    corsguard_policy *built = NULL;
    unsigned char *memory;
    size_t size = 0;
    corsguard_result result;

    memset(&error, 0xEE, sizeof error);
    result = corsguard_policy_file_size(text, v->text.len, &size, &error);
    if (v->syntax != 0) {
        check_file_error(v, result, &error);
        CHECK_EQ(size, 0);
    } else {
        CHECK_EQ(result, CORSGUARD_RESULT_OK);
        memory = (unsigned char *)malloc(size);
        if (memory == NULL) {
            abort();
        }
        memset(&error, 0xEE, sizeof error);
        result = corsguard_policy_file_init(text, v->text.len, memory, size, &in_memory, &error);
        if (v->expect_error) {
            check_file_error(v, result, &error);
            CHECK(in_memory == NULL);
        } else {
            CHECK_EQ(result, CORSGUARD_RESULT_OK);
            CHECK(in_memory != NULL && (const unsigned char *)in_memory >= memory);
        }
        free(memory);
    }

    memset(&error, 0xEE, sizeof error);
    result = corsguard_policy_file_build(text, v->text.len, &built, &error);
    if (v->expect_error) {
        check_file_error(v, result, &error);
        CHECK(built == NULL);
    } else {
        CHECK_EQ(result, CORSGUARD_RESULT_OK);
        CHECK(built != NULL);
    }
    corsguard_policy_free(built);
}

int main(void) {
    size_t i;
    for (i = 0; i < tv_policy_file_count; i++) {
        check_begin(tv_policy_files[i].name);
        check_policy_file(&tv_policy_files[i]);
        check_end();
    }
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
