/* The shared vectors and policy files once tests/c/gen_vectors.py has turned them into C data. */
#ifndef CORSGUARD_TEST_VECTORS_H
#define CORSGUARD_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "corsguard.h"

typedef struct {
    const char *ptr; /* a literal; may hold NUL bytes, so use len */
    size_t len;
} tv_bytes;

typedef struct {
    const tv_bytes *items; /* NULL when count is 0 */
    size_t count;
} tv_list;

typedef struct {
    tv_bytes name;
    tv_bytes value;
} tv_header;

typedef struct {
    const tv_header *items;
    size_t count;
} tv_headers;

/* How a vector sets a list setting (0 = the vector leaves it at its default). */
enum { TV_DEFAULT = 0, TV_LIST = 1, TV_ANY = 2, TV_ANY_WITH_AUTHORIZATION = 3 };
/* How a vector sets max_age. */
enum { TV_MAX_AGE_DEFAULT = 0, TV_CLEARED = 1, TV_SET = 2 };

typedef struct {
    const char *name;
    const char *source;

    tv_list origins;
    int has_credentials, credentials;
    int methods_mode;
    tv_list methods;
    int request_headers_mode;
    tv_list request_headers;
    int exposed_headers_mode;
    tv_list exposed_headers;
    int max_age_mode;
    uint32_t max_age;
    int has_statuses;
    uint32_t success_status, failure_status;
    int has_private_network, private_network;
    int has_allow_insecure_origins_with_credentials, allow_insecure_origins_with_credentials;
    int has_caps;
    size_t max_origin_len, max_request_headers_len, max_request_headers_count;

    /* A policy-error vector. */
    int expect_error;
    uint32_t error_kind;
    const char *error_setting;
    size_t error_index;
    uint32_t error_origin_error;

    /* A decision vector. A header absent from the request is a list with count 0. */
    tv_bytes method;
    tv_list req_origin, req_request_method, req_request_headers, req_request_private_network;
    uint32_t kind, verdict, reason, origin_error;
    uint16_t status;
    tv_headers headers;
} tv_vector;

extern const tv_vector tv_vectors[];
extern const size_t tv_vector_count;

/* A vector of tests/vectors/policy_files.json: a policy file's text, and the error it gives (if any). */
typedef struct {
    const char *name;
    tv_bytes text;
    int expect_error;
    uint32_t line, column;
    uint32_t syntax; /* a corsguard_syntax_error, 0 for a policy error */
    uint32_t policy_kind;
    const char *policy_setting;
    size_t policy_index;
    uint32_t policy_origin_error;
} tv_policy_file;

extern const tv_policy_file tv_policy_files[];
extern const size_t tv_policy_file_count;

#endif
