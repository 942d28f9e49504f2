/*
 * libFuzzer harness for the corsguard C ABI, written in C against include/corsguard.h, so that what is fuzzed
 * is what a C program compiles and links. It builds a policy from the fuzzer's bytes three ways (a
 * corsguard_config into caller memory, the builder, a policy file rendered from the same settings) or from
 * raw policy-file text, decides requests with it, and checks what the header promises: every way gives the
 * same answer, header values carry no CR, LF or NUL, counts and codes stay in range, and a call that fails
 * writes nothing. Every buffer handed to the library is a heap block of exactly its size, so that
 * AddressSanitizer sees any read or write past it.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corsguard.h"

#define require(cond, what)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "c_api: %s:%d: %s (%s)\n", __FILE__, __LINE__, what, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A call that must succeed or be refused, never panic. */
#define require_no_panic(result) require((result) != CORSGUARD_RESULT_PANIC, "the library panicked")

/* ------------------------------------------------------------------------------------------------------ */
/* Reading the fuzzer's bytes; every allocation of one input is freed at its end (leaks are findings).     */

#define MAX_ALLOCS 1024

typedef struct {
    const uint8_t *p;
    size_t n;
    void *allocs[MAX_ALLOCS];
    size_t alloc_count;
} input;

/* An input allocates at most ~600 blocks (8 requests of at most 53 lines, and the settings). */
static void *keep(input *in, void *block) {
    require(block != NULL, "out of memory");
    require(in->alloc_count < MAX_ALLOCS, "MAX_ALLOCS is enough");
    in->allocs[in->alloc_count++] = block;
    return block;
}

static void release_all(input *in) {
    for (size_t i = 0; i < in->alloc_count; i++) free(in->allocs[i]);
    in->alloc_count = 0;
}

static uint8_t take_byte(input *in) {
    if (in->n == 0) return 0;
    in->n--;
    return *in->p++;
}

static uint32_t take_u32(input *in) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v = (v << 8) | take_byte(in);
    return v;
}

/* A byte string in a heap block of exactly its length (NULL or a 1-byte block when empty). */
static corsguard_slice copy_bytes(input *in, const uint8_t *bytes, size_t len) {
    corsguard_slice s = {NULL, len};
    if (len == 0) {
        if (in->alloc_count % 2) return s;
        len = 1;
    }
    uint8_t *block = keep(in, malloc(len));
    memcpy(block, bytes, s.len);
    s.ptr = block;
    return s;
}

/* Mostly an entry of the table (so that policies are valid and requests match them), sometimes raw bytes. */
static corsguard_slice take_string(input *in, const char *const *table, size_t table_len) {
    uint8_t pick = take_byte(in);
    if (pick < 0xd0 || in->n == 0) {
        const char *s = table[pick % table_len];
        return copy_bytes(in, (const uint8_t *)s, strlen(s));
    }
    size_t len = take_byte(in);
    if (pick == 0xff) len = len * 16 + take_byte(in) % 16; /* up to 4095 bytes */
    if (len > in->n) len = in->n;
    corsguard_slice s = copy_bytes(in, in->p, len);
    in->p += len;
    in->n -= len;
    return s;
}

static const char *const ORIGINS[] = {
    "https://app.example.com", "https://*.example.com", "http://localhost:*", "*",
    "http://127.0.0.1:8080", "https://[::1]", "null", "file://", "https://example.com:8443",
    "http://*.app.localhost", "https://api.example.com", "https://evil-example.com",
    "https://a.b.example.com", "HTTPS://APP.EXAMPLE.COM", "https://*.co.uk", "http://insecure.example.org",
    "https://xn--bcher-kva.example", "http://localhost:3000", "https://*.*.example.com", "https://app.example.com/",
    " https://app.example.com\t", "https://app.example.com:443", "https://user@app.example.com", "",
};
static const char *const METHODS[] = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PURGE", "CONNECT", "TRACE", "TRACK",
    "patch", "get", "*", "", "X-CUSTOM", "GET ", " PUT", "a b", "M\xc3\xa9",
};
static const char *const HEADER_NAMES[] = {
    "content-type", "authorization", "x-request-id", "x-total-count", "Accept", "X-Custom", "cookie",
    "set-cookie", "sec-fetch-mode", "proxy-authorization", "*", "", "bad name", "x-#hash", "Content-Type",
};
static const char *const REQUEST_METHODS[] = {"OPTIONS", "OPTIONS", "GET", "POST", "options", "PUT", ""};
static const char *const REQUESTED_METHODS[] = {
    "PUT", "GET", "DELETE", "PATCH", "PURGE", " PUT ", "put", "CONNECT", "", "A B", "POST",
};
static const char *const REQUESTED_HEADERS[] = {
    "content-type", "content-type, authorization", "x-request-id,x-custom", " , ", "Authorization",
    "a b", "", "x-request-id", "content-type,content-type", ",content-type,", "X-TOTAL-COUNT\t",
};
static const char *const PRIVATE_NETWORK[] = {"true", "TRUE", " true ", "false", ""};

/* The first of `count` lines (the rest are never read): an empty slice, NULL or dangling, when there are none. */
static corsguard_slice take_first_line(input *in, size_t count, const char *const *table, size_t table_len) {
    corsguard_slice none = {NULL, 0};
    if (count == 0) {
        if (in->alloc_count % 3 == 1) none.ptr = (const uint8_t *)(uintptr_t)1; /* dangling: must not be read */
        return none;
    }
    return take_string(in, table, table_len);
}

static corsguard_slice *take_lines(input *in, size_t count, const char *const *table, size_t table_len) {
    if (count == 0) {
        /* Absent: NULL, or a dangling non-NULL pointer that must not be read. */
        return (in->alloc_count % 3 == 1) ? (corsguard_slice *)(uintptr_t)_Alignof(corsguard_slice) : NULL;
    }
    corsguard_slice *lines = keep(in, malloc(count * sizeof *lines));
    for (size_t i = 0; i < count; i++) lines[i] = take_string(in, table, table_len);
    return lines;
}

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

/* ------------------------------------------------------------------------------------------------------ */
/* A policy's settings, read from the fuzzer's bytes                                                       */

typedef struct {
    corsguard_config config;
    bool valid_modes; /* every mode one the header defines for its field */
} settings;

static size_t take_list(input *in, corsguard_slice **out, const char *const *table, size_t table_len) {
    size_t count = take_byte(in) % 5;
    *out = count ? take_lines(in, count, table, table_len) : NULL;
    return count;
}

static uint32_t take_mode(input *in, uint32_t modes) {
    uint8_t b = take_byte(in);
    return b < 0xf8 ? b % modes : b; /* now and then a mode the library does not know */
}

static size_t take_cap(input *in) {
    static const size_t CAPS[] = {0, 1, 2, 16, 64, 512, 1024, 1025, 2048, 4096, 4097, 65536, 65537};
    uint8_t b = take_byte(in);
    return b < 0xf0 ? CAPS[b % COUNT(CAPS)] : (size_t)take_u32(in);
}

static uint16_t take_status(input *in) {
    static const uint16_t STATUSES[] = {0, 200, 204, 299, 300, 403, 400, 404, 599, 600, 199};
    uint8_t b = take_byte(in);
    return b < 0xf0 ? STATUSES[b % COUNT(STATUSES)] : (uint16_t)take_u32(in);
}

static void take_settings(input *in, settings *s) {
    corsguard_config *c = &s->config;
    memset(c, 0, sizeof *c);
    uint8_t flags = take_byte(in);
    c->credentials = flags & 1;
    c->has_max_age = flags & 2;
    c->private_network = flags & 4;
    c->allow_insecure_origins_with_credentials = flags & 8;

    corsguard_slice *list;
    size_t count = take_byte(in) % 4 + (flags & 0x80 ? take_byte(in) % 48 : 0);
    c->origins = count ? take_lines(in, count, ORIGINS, COUNT(ORIGINS)) : NULL;
    c->origin_count = count;

    c->methods_mode = take_mode(in, 3);
    c->method_count = take_list(in, &list, METHODS, COUNT(METHODS));
    c->methods = list;
    c->request_headers_mode = take_mode(in, 4);
    c->request_header_count = take_list(in, &list, HEADER_NAMES, COUNT(HEADER_NAMES));
    c->request_headers = list;
    c->exposed_headers_mode = take_mode(in, 3);
    c->exposed_header_count = take_list(in, &list, HEADER_NAMES, COUNT(HEADER_NAMES));
    c->exposed_headers = list;
    s->valid_modes = c->methods_mode <= CORSGUARD_MODE_ANY &&
                     c->request_headers_mode <= CORSGUARD_MODE_ANY_WITH_AUTHORIZATION &&
                     c->exposed_headers_mode <= CORSGUARD_MODE_ANY;

    if (c->has_max_age) {
        static const uint32_t AGES[] = {0, 5, 600, 86400, 86401, UINT32_MAX};
        uint8_t b = take_byte(in);
        c->max_age = b < 0xf0 ? AGES[b % COUNT(AGES)] : take_u32(in);
    }
    if (flags & 0x10) {
        c->preflight_success_status = take_status(in);
        c->preflight_failure_status = take_status(in);
    }
    if (flags & 0x20) {
        c->max_origin_len = take_cap(in);
        c->max_request_headers_len = take_cap(in);
        c->max_request_headers_count = take_cap(in);
    }
}

/* ------------------------------------------------------------------------------------------------------ */
/* Policy errors                                                                                           */

static void check_policy_error(const corsguard_policy_error *e) {
    require(e->kind >= 1 && e->kind <= 29, "policy error kind out of range");
    require(e->setting >= 1 && e->setting <= 12, "policy error setting out of range");
    require((e->origin_error != 0) == (e->kind == CORSGUARD_POLICY_ERROR_KIND_ORIGIN_MALFORMED),
            "origin_error set exactly for ORIGIN_MALFORMED");
    require(e->origin_error <= 19, "origin error out of range");
    require(e->message != NULL && strcmp(e->message, corsguard_policy_error_kind_str(e->kind)) == 0,
            "message is the kind's text");
    require(e->setting_name != NULL && strcmp(e->setting_name, corsguard_setting_str(e->setting)) == 0,
            "setting_name is the setting's name");
}

static bool same_policy_error(const corsguard_policy_error *a, const corsguard_policy_error *b) {
    return a->kind == b->kind && a->setting == b->setting && a->index == b->index &&
           a->origin_error == b->origin_error;
}

/* The index of an entry error is inside its list. */
static void check_error_index(const corsguard_policy_error *e, const corsguard_config *c) {
    if (e->index == CORSGUARD_NO_INDEX) return;
    size_t len = e->setting == CORSGUARD_SETTING_ORIGINS           ? c->origin_count
                 : e->setting == CORSGUARD_SETTING_METHODS         ? c->method_count
                 : e->setting == CORSGUARD_SETTING_REQUEST_HEADERS ? c->request_header_count
                 : e->setting == CORSGUARD_SETTING_EXPOSED_HEADERS ? c->exposed_header_count
                                                                   : 0;
    require(e->index < len, "error index inside its list");
}

/* ------------------------------------------------------------------------------------------------------ */
/* Policies                                                                                                */

#define MAX_POLICIES 4

typedef struct {
    const corsguard_policy *policy;
    corsguard_policy *owned; /* from a _build function: corsguard_policy_free */
    uint8_t *mem;            /* caller memory of an _init function */
    size_t mem_len;
    const char *how;
} built_policy;

typedef struct {
    built_policy p[MAX_POLICIES];
    size_t count;
    /* What the settings promise, when the policies came from settings (0: unknown). */
    uint16_t success_status, failure_status;
} policies;

/* Memory of exactly `size` bytes at a fuzzed alignment, so that ASan sees a write past `len`. */
static uint8_t *policy_memory(input *in, size_t size, uint8_t **block) {
    size_t shift = take_byte(in) % 16;
    *block = malloc(size + shift);
    require(*block != NULL, "out of memory");
    return *block + shift;
}

/* A policy from corsguard_size + corsguard_policy_init; returns the init result. */
static corsguard_result from_config(input *in, const settings *s, policies *ps, corsguard_policy_error *error) {
    size_t size = 0xa5a5;
    corsguard_result r = corsguard_policy_size(&s->config, &size);
    require_no_panic(r);
    if (!s->valid_modes) {
        require(r == CORSGUARD_RESULT_OUT_OF_RANGE, "an unknown mode is OUT_OF_RANGE");
        require(size == 0xa5a5, "size not written on error");
        return r;
    }
    require(r == CORSGUARD_RESULT_OK, "policy_size of a config with valid slices");
    require(size > 0, "a policy needs memory");

    uint8_t *block;
    uint8_t *mem = policy_memory(in, size, &block);
    const corsguard_policy *policy = (const corsguard_policy *)(uintptr_t)0x5a5a;
    corsguard_policy_error before, e;
    memset(&before, 0xa5, sizeof before);
    e = before;

    /* Now and then too little memory first: refused without writing, or enough at this address. */
    if (take_byte(in) % 4 == 0) {
        size_t short_len = size - 1 - take_byte(in) % (size < 256 ? size : 256);
        r = corsguard_policy_init(&s->config, mem, short_len, &policy, &e);
        require_no_panic(r);
        if (r == CORSGUARD_RESULT_BUFFER_TOO_SMALL) {
            require(policy == (const corsguard_policy *)(uintptr_t)0x5a5a, "policy_out not written on error");
            require(memcmp(&e, &before, sizeof e) == 0, "error_out not written on BUFFER_TOO_SMALL");
        } else if (r == CORSGUARD_RESULT_OK) {
            policy = (const corsguard_policy *)(uintptr_t)0x5a5a;
        } else {
            require(r == CORSGUARD_RESULT_POLICY_INVALID, "init with short memory");
            e = before;
        }
    }

    r = corsguard_policy_init(&s->config, mem, size, &policy, &e);
    require_no_panic(r);
    if (r == CORSGUARD_RESULT_OK) {
        require(policy != NULL && (const uint8_t *)policy >= mem && (const uint8_t *)policy < mem + size,
                "the policy lies in the memory given");
        require(memcmp(&e, &before, sizeof e) == 0, "error_out not written on success");
        /* corsguard_policy_free on caller memory does nothing (ASan would see a bad free). */
        corsguard_policy_free((corsguard_policy *)(uintptr_t)policy);
        ps->p[ps->count++] = (built_policy){policy, NULL, mem, size, "config"};
        keep(in, block);
    } else {
        require(r == CORSGUARD_RESULT_POLICY_INVALID, "init of a config with valid slices and enough memory");
        require(policy == (const corsguard_policy *)(uintptr_t)0x5a5a, "policy_out not written on error");
        check_policy_error(&e);
        check_error_index(&e, &s->config);
        free(block);
    }
    *error = e;
    return r;
}

/* Fails a setter on purpose now and then: it must leave the builder as it was. */
static void try_bad_setter(corsguard_policy_builder *b, uint8_t which) {
    corsguard_result r;
    switch (which % 4) {
    case 0: r = corsguard_policy_builder_set_methods(b, NULL, 1); break;
    case 1: r = corsguard_policy_builder_set_request_headers(b, NULL, 2); break;
    case 2: r = corsguard_policy_builder_add_origin(b, NULL, 3); break;
    default: {
        corsguard_slice bad[1] = {{NULL, 5}};
        r = corsguard_policy_builder_set_exposed_headers(b, bad, 1);
        break;
    }
    }
    require(r == CORSGUARD_RESULT_INVALID_SLICE, "a NULL slice with a length is INVALID_SLICE");
    require(corsguard_policy_builder_set_credentials(NULL, true) == CORSGUARD_RESULT_NULL_ARGUMENT,
            "NULL builder");
}

/* The same settings through the builder: the same outcome as corsguard_policy_init. */
static void from_builder(input *in, const settings *s, policies *ps, corsguard_result config_result,
                         const corsguard_policy_error *config_error) {
    const corsguard_config *c = &s->config;
    corsguard_policy_builder *b = NULL;
    require(corsguard_policy_builder_new(&b) == CORSGUARD_RESULT_OK && b != NULL, "builder_new");
    uint8_t bad = take_byte(in);
    if (bad & 1) try_bad_setter(b, bad >> 1);

    for (size_t i = 0; i < c->origin_count; i++)
        require(corsguard_policy_builder_add_origin(b, c->origins[i].ptr, c->origins[i].len) == 0, "add_origin");
    require(corsguard_policy_builder_set_credentials(b, c->credentials) == 0, "set_credentials");
    if (c->methods_mode == CORSGUARD_MODE_LIST)
        require(corsguard_policy_builder_set_methods(b, c->methods, c->method_count) == 0, "set_methods");
    else if (c->methods_mode == CORSGUARD_MODE_ANY)
        require(corsguard_policy_builder_set_methods_any(b) == 0, "set_methods_any");
    if (c->request_headers_mode == CORSGUARD_MODE_LIST)
        require(corsguard_policy_builder_set_request_headers(b, c->request_headers, c->request_header_count) == 0,
                "set_request_headers");
    else if (c->request_headers_mode >= CORSGUARD_MODE_ANY)
        require(corsguard_policy_builder_set_request_headers_any(
                    b, c->request_headers_mode == CORSGUARD_MODE_ANY_WITH_AUTHORIZATION) == 0,
                "set_request_headers_any");
    if (c->exposed_headers_mode == CORSGUARD_MODE_LIST)
        require(corsguard_policy_builder_set_exposed_headers(b, c->exposed_headers, c->exposed_header_count) == 0,
                "set_exposed_headers");
    else if (c->exposed_headers_mode == CORSGUARD_MODE_ANY)
        require(corsguard_policy_builder_set_exposed_headers_any(b) == 0, "set_exposed_headers_any");
    if (c->has_max_age) require(corsguard_policy_builder_set_max_age(b, c->max_age) == 0, "set_max_age");
    require(corsguard_policy_builder_set_preflight_statuses(
                b, c->preflight_success_status ? c->preflight_success_status : 204,
                c->preflight_failure_status ? c->preflight_failure_status : 403) == 0,
            "set_preflight_statuses");
    require(corsguard_policy_builder_set_private_network(b, c->private_network) == 0, "set_private_network");
    require(corsguard_policy_builder_set_allow_insecure_origins_with_credentials(
                b, c->allow_insecure_origins_with_credentials) == 0,
            "set_allow_insecure");
    require(corsguard_policy_builder_set_caps(b, c->max_origin_len ? c->max_origin_len : 512,
                                              c->max_request_headers_len ? c->max_request_headers_len : 2048,
                                              c->max_request_headers_count ? c->max_request_headers_count : 64) ==
                0,
            "set_caps");

    corsguard_policy *policy = (corsguard_policy *)(uintptr_t)0x5a5a;
    corsguard_policy_error e;
    memset(&e, 0xa5, sizeof e);
    corsguard_result r = corsguard_policy_builder_build(b, &policy, &e);
    require_no_panic(r);
    corsguard_policy_builder_free(b);
    require(r == config_result, "the builder and corsguard_policy_init agree on the outcome");
    if (r == CORSGUARD_RESULT_OK) {
        require(policy != NULL, "built policy");
        ps->p[ps->count++] = (built_policy){policy, policy, NULL, 0, "builder"};
    } else {
        require(policy == (corsguard_policy *)(uintptr_t)0x5a5a, "policy_out not written on error");
        require(same_policy_error(&e, config_error), "the builder and corsguard_policy_init report one error");
    }
}

/* ------------------------------------------------------------------------------------------------------ */
/* Policy files                                                                                            */

static void check_file_error(const corsguard_policy_file_error *e, corsguard_result r, const uint8_t *text,
                             size_t text_len) {
    if (r == CORSGUARD_RESULT_POLICY_FILE_SYNTAX) {
        require(e->syntax >= 1 && e->syntax <= 10, "syntax error code in range");
        require(e->policy.kind == 0 && e->policy.index == CORSGUARD_NO_INDEX, "no policy error with a syntax error");
        require(e->message != NULL && strcmp(e->message, corsguard_syntax_error_str(e->syntax)) == 0,
                "message is the syntax error's text");
    } else {
        require(r == CORSGUARD_RESULT_POLICY_INVALID, "file refused");
        require(e->syntax == 0, "no syntax error with a policy error");
        check_policy_error(&e->policy);
        require(e->message != NULL && strcmp(e->message, e->policy.message) == 0, "message is the policy error's");
    }
    if (e->line == 0) {
        require(e->column == 0, "column 0 when line is 0");
        return;
    }
    /* The line exists, and the column is in it or one past its end. */
    size_t line = 1, start = 0;
    for (size_t i = 0; i < text_len && line < e->line; i++) {
        if (text[i] == '\n') {
            line++;
            start = i + 1;
        }
    }
    require(line == e->line, "the error's line exists");
    size_t end = start;
    while (end < text_len && text[end] != '\n') end++;
    if (end > start && text[end - 1] == '\r' && end < text_len) end--;
    require(e->column >= 1 && e->column <= end - start + 1, "the error's column is in its line");
}

static bool same_file_error(const corsguard_policy_file_error *a, const corsguard_policy_file_error *b) {
    return a->line == b->line && a->column == b->column && a->syntax == b->syntax &&
           (a->syntax != 0 || same_policy_error(&a->policy, &b->policy));
}

/*
 * A policy from text, through _size + _init into exact memory and through _build; both must agree. Adds the
 * policies on success; returns the outcome and the error.
 */
static corsguard_result from_file(input *in, const uint8_t *text, size_t text_len, policies *ps,
                                  corsguard_policy_file_error *error) {
    corsguard_policy_file_error before, e_size, e_init, e_build;
    memset(&before, 0xa5, sizeof before);
    e_size = e_init = e_build = before;

    size_t size = 0xa5a5;
    corsguard_result r_size = corsguard_policy_file_size(text, text_len, &size, &e_size);
    require_no_panic(r_size);

    uint8_t *block = NULL;
    const corsguard_policy *policy = (const corsguard_policy *)(uintptr_t)0x5a5a;
    corsguard_result r_init;
    if (r_size == CORSGUARD_RESULT_OK) {
        require(memcmp(&e_size, &before, sizeof before) == 0, "error_out not written on success");
        require(size > 0, "a policy needs memory");
        uint8_t *mem = policy_memory(in, size, &block);
        r_init = corsguard_policy_file_init(text, text_len, mem, size, &policy, &e_init);
        require_no_panic(r_init);
        require(r_init == CORSGUARD_RESULT_OK || r_init == CORSGUARD_RESULT_POLICY_INVALID,
                "a text that sized is built or refused as a policy, never a syntax error");
        if (r_init == CORSGUARD_RESULT_OK) {
            require((const uint8_t *)policy >= mem && (const uint8_t *)policy < mem + size, "policy in mem");
            require(memcmp(&e_init, &before, sizeof before) == 0, "error_out not written on success");
            ps->p[ps->count++] = (built_policy){policy, NULL, mem, size, "file_init"};
            keep(in, block);
        } else {
            free(block);
        }
    } else {
        require(r_size == CORSGUARD_RESULT_POLICY_FILE_SYNTAX, "file_size: OK or a syntax error");
        require(size == 0xa5a5, "size_out not written on error");
        check_file_error(&e_size, r_size, text, text_len);
        /* _init reports the same syntax error, whatever the memory. */
        uint8_t scratch[64];
        r_init = corsguard_policy_file_init(text, text_len, scratch, sizeof scratch, &policy, &e_init);
        require_no_panic(r_init);
        require(r_init == r_size && same_file_error(&e_init, &e_size), "file_init repeats file_size's error");
    }
    if (r_init != CORSGUARD_RESULT_OK) {
        require(policy == (const corsguard_policy *)(uintptr_t)0x5a5a, "policy_out not written on error");
        check_file_error(&e_init, r_init, text, text_len);
    }

    corsguard_policy *owned = (corsguard_policy *)(uintptr_t)0x5a5a;
    corsguard_result r_build = corsguard_policy_file_build(text, text_len, &owned, &e_build);
    require_no_panic(r_build);
    require(r_build == r_init, "file_build and file_init agree");
    if (r_build == CORSGUARD_RESULT_OK) {
        ps->p[ps->count++] = (built_policy){owned, owned, NULL, 0, "file_build"};
    } else {
        require(owned == (corsguard_policy *)(uintptr_t)0x5a5a, "policy_out not written on error");
        require(same_file_error(&e_build, &e_init), "file_build and file_init report one error");
    }
    *error = e_init;
    return r_init;
}

/* Whether an entry reads back from a policy file as the same bytes: printable, no separator, no edge blank. */
static bool renderable(const corsguard_slice *s, bool star_allowed) {
    if (s->len == 0) return false;
    for (size_t i = 0; i < s->len; i++) {
        uint8_t c = s->ptr[i];
        if (c == ',' || c < 0x20 || c > 0x7e) {
            if (!(c == '\t' && i > 0 && i + 1 < s->len)) return false;
        }
    }
    if (s->ptr[0] == ' ' || s->ptr[s->len - 1] == ' ') return false;
    if (!star_allowed && s->len == 1 && s->ptr[0] == '*') return false;
    return true;
}

typedef struct {
    char *buf;
    size_t len, cap;
} text_buf;

static void put(text_buf *t, const void *bytes, size_t len) {
    if (t->len + len > t->cap) {
        t->cap = (t->len + len) * 2 + 64;
        t->buf = realloc(t->buf, t->cap);
        require(t->buf != NULL, "out of memory");
    }
    memcpy(t->buf + t->len, bytes, len);
    t->len += len;
}

static void put_str(text_buf *t, const char *s) { put(t, s, strlen(s)); }

static void put_number(text_buf *t, const char *key, unsigned long long value) {
    char line[96];
    snprintf(line, sizeof line, "%s = %llu\n", key, value);
    put_str(t, line);
}

/* Lists may be split over several lines of the same key; `split` (fuzzed) says where. */
static bool put_list(text_buf *t, const char *key, const corsguard_slice *entries, size_t count, uint8_t split,
                     bool star_allowed) {
    for (size_t i = 0; i < count; i++)
        if (!renderable(&entries[i], star_allowed)) return false;
    for (size_t i = 0; i < count; i++) {
        if (i == 0 || (split >> (i % 8)) & 1) {
            if (i) put_str(t, "\n");
            put_str(t, key);
            put_str(t, " = ");
        } else {
            put_str(t, (split & 1) ? ",\t" : ", ");
        }
        put(t, entries[i].ptr, entries[i].len);
    }
    if (count) put_str(t, "\n");
    return true;
}

/*
 * The settings as a policy file. False when the file format cannot say the same thing: an empty method
 * list, `*` inside a list (the file reads it as "any"), entries with separators or bytes the format refuses,
 * numbers past 32 bits.
 */
static bool render(const corsguard_config *c, uint8_t split, text_buf *t) {
    bool crlf = split & 0x80;
    put_str(t, "# rendered by the c_api fuzz harness\n");
    if (c->origin_count && !put_list(t, "origins", c->origins, c->origin_count, split, true)) return false;
    if (c->credentials) put_str(t, "credentials = true\n");
    if (c->methods_mode == CORSGUARD_MODE_LIST) {
        if (c->method_count == 0 || !put_list(t, "methods", c->methods, c->method_count, split, false)) return false;
    } else if (c->methods_mode == CORSGUARD_MODE_ANY) {
        put_str(t, "methods = *\n");
    }
    if (c->request_headers_mode == CORSGUARD_MODE_LIST) {
        if (c->request_header_count == 0 ||
            !put_list(t, "request-headers", c->request_headers, c->request_header_count, split, false))
            return false;
    } else if (c->request_headers_mode == CORSGUARD_MODE_ANY) {
        put_str(t, "request-headers = *\n");
    } else if (c->request_headers_mode == CORSGUARD_MODE_ANY_WITH_AUTHORIZATION) {
        put_str(t, (split & 2) ? "request-headers = Authorization, *\n" : "request-headers = *, authorization\n");
    }
    if (c->exposed_headers_mode == CORSGUARD_MODE_LIST) {
        if (c->exposed_header_count == 0 ||
            !put_list(t, "exposed-headers", c->exposed_headers, c->exposed_header_count, split, false))
            return false;
    } else if (c->exposed_headers_mode == CORSGUARD_MODE_ANY) {
        put_str(t, "exposed-headers = *\n");
    }
    if (c->has_max_age) put_number(t, "max-age", c->max_age);
    if (c->preflight_success_status) put_number(t, "preflight-success-status", c->preflight_success_status);
    if (c->preflight_failure_status) put_number(t, "preflight-failure-status", c->preflight_failure_status);
    if (c->private_network) put_str(t, "private-network = true\n");
    put_str(t, c->allow_insecure_origins_with_credentials ? "allow-insecure-origins-with-credentials = true\n"
                                                          : "allow-insecure-origins-with-credentials = false\n");
    const size_t caps[3] = {c->max_origin_len, c->max_request_headers_len, c->max_request_headers_count};
    const char *cap_keys[3] = {"max-origin-len", "max-request-headers-len", "max-request-headers-count"};
    for (int i = 0; i < 3; i++) {
        if (caps[i] > UINT32_MAX) return false;
        if (caps[i]) put_number(t, cap_keys[i], caps[i]);
    }
    if (crlf) {
        text_buf with_crlf = {0};
        for (size_t i = 0; i < t->len; i++) {
            if (t->buf[i] == '\n') put_str(&with_crlf, "\r");
            put(&with_crlf, &t->buf[i], 1);
        }
        free(t->buf);
        *t = with_crlf;
    }
    return true;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Decisions                                                                                               */

static const char *const HEADER_ORDER[] = {
    "Access-Control-Allow-Origin",  "Access-Control-Allow-Credentials",     "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers", "Access-Control-Max-Age",               "Access-Control-Allow-Private-Network",
    "Access-Control-Expose-Headers", "Vary",
};

static int header_rank(const corsguard_slice *name) {
    for (int i = 0; i < (int)COUNT(HEADER_ORDER); i++)
        if (strlen(HEADER_ORDER[i]) == name->len && memcmp(HEADER_ORDER[i], name->ptr, name->len) == 0) return i;
    return -1;
}

static bool slice_is(const corsguard_slice *s, const char *text) {
    return s->len == strlen(text) && (s->len == 0 || memcmp(s->ptr, text, s->len) == 0);
}

/* The origin line without the blanks corsguard trims. */
static corsguard_slice trimmed(corsguard_slice s) {
    while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) s.ptr++, s.len--;
    while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t')) s.len--;
    return s;
}

typedef struct {
    corsguard_result result;
    uint32_t kind, verdict, reason, origin_error;
    uint16_t status;
    bool answer_now;
    size_t count;
    corsguard_header headers[CORSGUARD_MAX_HEADERS];
} outcome;

static bool same_outcome(const outcome *a, const outcome *b) {
    if (a->result != b->result || a->kind != b->kind || a->verdict != b->verdict || a->reason != b->reason ||
        a->origin_error != b->origin_error || a->status != b->status || a->answer_now != b->answer_now ||
        a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const corsguard_header *x = &a->headers[i], *y = &b->headers[i];
        if (x->name.len != y->name.len || memcmp(x->name.ptr, y->name.ptr, x->name.len) != 0) return false;
        if (x->value.len != y->value.len || (x->value.len && memcmp(x->value.ptr, y->value.ptr, x->value.len)))
            return false;
    }
    return true;
}

/* Reads a decision through every accessor and checks what the header says of each. */
static void read_decision(const corsguard_decision *d, const corsguard_request *req, const policies *ps,
                          outcome *o) {
    o->kind = corsguard_decision_kind(d);
    o->verdict = corsguard_decision_verdict(d);
    o->reason = corsguard_decision_reason(d);
    o->origin_error = corsguard_decision_origin_error(d);
    o->status = corsguard_decision_status(d);
    o->answer_now = corsguard_decision_answer_now(d);
    o->count = corsguard_decision_header_count(d);

    require(o->kind <= CORSGUARD_KIND_PREFLIGHT, "kind in range");
    require(o->verdict <= CORSGUARD_VERDICT_DENIED, "verdict in range");
    require(o->reason <= 15, "reason in range");
    require((o->reason == 0) == (o->verdict == CORSGUARD_VERDICT_ALLOWED), "a reason exactly when denied");
    require(o->origin_error <= 19, "origin error in range");
    require((o->origin_error != 0) == (o->reason == CORSGUARD_REASON_ORIGIN_MALFORMED),
            "an origin error exactly for ORIGIN_MALFORMED");
    require(o->count <= CORSGUARD_MAX_HEADERS, "header count at most CORSGUARD_MAX_HEADERS");
    require(o->answer_now == (o->kind == CORSGUARD_KIND_PREFLIGHT), "answer now exactly for preflights");

    bool has_origin = req->origin_count > 0;
    bool preflight = has_origin && slice_is(&req->method, "OPTIONS") && req->request_method_count > 0;
    require(o->kind == (!has_origin ? CORSGUARD_KIND_NOT_CORS
                                    : preflight ? CORSGUARD_KIND_PREFLIGHT : CORSGUARD_KIND_ACTUAL),
            "kind follows Origin, the method and Access-Control-Request-Method");
    if (o->kind == CORSGUARD_KIND_NOT_CORS) require(o->verdict == CORSGUARD_VERDICT_ALLOWED, "not CORS: allowed");
    if (o->kind == CORSGUARD_KIND_PREFLIGHT) {
        if (o->verdict == CORSGUARD_VERDICT_ALLOWED) {
            require(o->status >= 200 && o->status <= 299, "an allowed preflight answers 2xx");
            if (ps->success_status) require(o->status == ps->success_status, "the policy's success status");
        } else {
            require((o->status >= 200 && o->status <= 299) || (o->status >= 400 && o->status <= 599),
                    "a denied preflight answers 2xx, 4xx or 5xx");
            if (ps->failure_status) require(o->status == ps->failure_status, "the policy's failure status");
        }
    } else {
        require(o->status == 0, "status 0 for requests that are not preflights");
    }

    /* Every header: through the array, one by one, and rendered. */
    size_t count = 0xa5;
    corsguard_header canary;
    memset(&canary, 0xa5, sizeof canary);
    for (size_t i = 0; i < CORSGUARD_MAX_HEADERS; i++) o->headers[i] = canary;
    if (o->count > 0) {
        corsguard_result r = corsguard_decision_headers(d, o->headers, o->count - 1, &count);
        require(r == CORSGUARD_RESULT_BUFFER_TOO_SMALL && count == o->count, "too small: the count needed");
        require(memcmp(&o->headers[0], &canary, sizeof canary) == 0, "too small: nothing copied");
    }
    require(corsguard_decision_headers(d, o->headers, CORSGUARD_MAX_HEADERS, &count) == CORSGUARD_RESULT_OK,
            "CORSGUARD_MAX_HEADERS entries suffice");
    require(count == o->count, "headers() count == header_count()");
    if (o->count < CORSGUARD_MAX_HEADERS)
        require(memcmp(&o->headers[o->count], &canary, sizeof canary) == 0, "nothing copied past the count");

    size_t rendered_len = 0;
    int last_rank = -1;
    const corsguard_slice origin = has_origin ? trimmed(req->origin) : (corsguard_slice){NULL, 0};
    for (size_t i = 0; i < o->count; i++) {
        const corsguard_header *h = &o->headers[i];
        corsguard_header one = canary;
        require(corsguard_decision_header(d, i, &one) == CORSGUARD_RESULT_OK, "header(i) below the count");
        require(memcmp(&one, h, sizeof one) == 0, "header(i) == headers()[i]");

        require(h->name.ptr != NULL && h->name.len > 0 && h->name.ptr[h->name.len] == '\0',
                "names are NUL-terminated one past len");
        int rank = header_rank(&h->name);
        require(rank >= 0, "a CORS response header name");
        require(rank >= last_rank, "headers in emission order");
        require(rank != last_rank || rank == 3, "only Access-Control-Allow-Headers repeats");
        last_rank = rank;
        require(h->value.len == 0 || h->value.ptr != NULL, "a value with bytes has a pointer");
        for (size_t j = 0; j < h->value.len; j++) {
            uint8_t c = h->value.ptr[j];
            require(c != '\r' && c != '\n' && c != '\0', "no CR, LF or NUL in a header value");
            require(c == '\t' || (c >= 0x20 && c < 0x7f), "values are visible ASCII, spaces and tabs");
        }
        if (rank == 0) {
            require(slice_is(&h->value, "*") ||
                        (h->value.len == origin.len && memcmp(h->value.ptr, origin.ptr, origin.len) == 0),
                    "Access-Control-Allow-Origin is * or the request's origin");
        }
        if (rank == 1) require(slice_is(&h->value, "true"), "Access-Control-Allow-Credentials: true");
        if (o->verdict == CORSGUARD_VERDICT_DENIED || o->kind == CORSGUARD_KIND_NOT_CORS)
            require(rank == 7, "only Vary when denied or not CORS");
        rendered_len += h->name.len + 2 + h->value.len + 2;
    }
    corsguard_header past = canary;
    require(corsguard_decision_header(d, o->count, &past) == CORSGUARD_RESULT_OUT_OF_RANGE, "header(count)");
    require(memcmp(&past, &canary, sizeof canary) == 0, "OUT_OF_RANGE writes nothing");
    if (o->kind != CORSGUARD_KIND_NOT_CORS && o->verdict == CORSGUARD_VERDICT_ALLOWED)
        require(o->count > 0 && header_rank(&o->headers[0].name) == 0, "an allowed CORS request gets ACAO first");

    /* Rendered: the size first, then too small (untouched), then exactly. */
    size_t written = 0xa5;
    corsguard_result r = corsguard_decision_write_headers(d, NULL, 0, &written);
    require(r == (rendered_len ? CORSGUARD_RESULT_BUFFER_TOO_SMALL : CORSGUARD_RESULT_OK) && written == rendered_len,
            "write_headers(NULL, 0) gives the size");
    if (rendered_len) {
        uint8_t *buf = malloc(rendered_len);
        require(buf != NULL, "out of memory");
        memset(buf, 0xa5, rendered_len);
        written = 0;
        r = corsguard_decision_write_headers(d, buf, rendered_len - 1, &written);
        require(r == CORSGUARD_RESULT_BUFFER_TOO_SMALL && written == rendered_len, "one byte short");
        for (size_t i = 0; i < rendered_len; i++) require(buf[i] == 0xa5, "BUFFER_TOO_SMALL leaves buf untouched");
        r = corsguard_decision_write_headers(d, buf, rendered_len, &written);
        require(r == CORSGUARD_RESULT_OK && written == rendered_len, "written == the size");
        size_t at = 0;
        for (size_t i = 0; i < o->count; i++) {
            const corsguard_header *h = &o->headers[i];
            require(memcmp(buf + at, h->name.ptr, h->name.len) == 0, "rendered name");
            at += h->name.len;
            require(memcmp(buf + at, ": ", 2) == 0, "rendered separator");
            at += 2;
            require(h->value.len == 0 || memcmp(buf + at, h->value.ptr, h->value.len) == 0, "rendered value");
            at += h->value.len;
            require(memcmp(buf + at, "\r\n", 2) == 0, "rendered line end");
            at += 2;
        }
        free(buf);
    }
}

/* A decision that is not one: every accessor gives its documented default. */
static void check_no_decision(const corsguard_decision *d) {
    require(corsguard_decision_kind(d) == CORSGUARD_KIND_NOT_CORS, "no decision: kind NOT_CORS");
    require(corsguard_decision_verdict(d) == CORSGUARD_VERDICT_DENIED, "no decision: DENIED");
    require(corsguard_decision_reason(d) == 0 && corsguard_decision_origin_error(d) == 0, "no decision: 0");
    require(corsguard_decision_status(d) == 0 && !corsguard_decision_answer_now(d), "no decision: no status");
    require(corsguard_decision_header_count(d) == 0, "no decision: no headers");
    size_t count = 0xa5, written = 0xa5;
    corsguard_header h;
    require(corsguard_decision_headers(d, &h, 1, &count) == CORSGUARD_RESULT_INVALID_DECISION && count == 0xa5,
            "no decision: headers() refuses");
    require(corsguard_decision_header(d, 0, &h) == CORSGUARD_RESULT_INVALID_DECISION, "no decision: header()");
    require(corsguard_decision_write_headers(d, NULL, 0, &written) == CORSGUARD_RESULT_INVALID_DECISION &&
                written == 0xa5,
            "no decision: write_headers() refuses");
}

static void take_request(input *in, corsguard_request *req) {
    memset(req, 0, sizeof *req);
    req->method = take_string(in, REQUEST_METHODS, COUNT(REQUEST_METHODS));
    uint8_t counts = take_byte(in);
    req->origin_count = (counts & 3) == 3 ? 2 + (take_byte(in) & 1) : (counts & 3) ? 1 : 0;
    req->origin = take_first_line(in, req->origin_count, ORIGINS, COUNT(ORIGINS));
    req->request_method_count = (counts >> 2) & 3 ? 1 + (((counts >> 2) & 3) == 3) : 0;
    req->request_method = take_first_line(in, req->request_method_count, REQUESTED_METHODS, COUNT(REQUESTED_METHODS));
    uint8_t acrh = take_byte(in);
    req->request_headers_count = acrh < 0xf0 ? acrh % 4 : 26 + (acrh - 0xf0); /* up to 41: past the limit */
    req->request_headers = take_lines(in, req->request_headers_count, REQUESTED_HEADERS, COUNT(REQUESTED_HEADERS));
    req->request_private_network_count = (counts >> 4) & 3 ? 1 + (((counts >> 4) & 3) == 3) : 0;
    req->request_private_network =
        take_first_line(in, req->request_private_network_count, PRIVATE_NETWORK, COUNT(PRIVATE_NETWORK));
}

/* Decides one request with every policy: documented errors write nothing, and every policy answers alike. */
static void decide_everywhere(const corsguard_request *req, const policies *ps) {
    outcome first;
    memset(&first, 0, sizeof first);
    for (size_t i = 0; i < ps->count; i++) {
        corsguard_decision *d = malloc(sizeof *d);
        require(d != NULL, "out of memory");
        memset(d, 0xa5, sizeof *d);
        outcome o;
        memset(&o, 0, sizeof o);
        o.result = corsguard_decide(ps->p[i].policy, req, d);
        require_no_panic(o.result);
        if (req->request_headers_count > CORSGUARD_MAX_HEADER_LINES) {
            require(o.result == CORSGUARD_RESULT_TOO_MANY_LINES, "too many ACRH lines");
        } else {
            require(o.result == CORSGUARD_RESULT_OK, "any bytes are a valid request");
        }
        if (o.result != CORSGUARD_RESULT_OK) {
            for (size_t j = 0; j < sizeof *d; j++) require(((uint8_t *)d)[j] == 0xa5, "nothing written on error");
            check_no_decision(d);
        } else {
            read_decision(d, req, ps, &o);
            /* A copy reads as no decision. */
            corsguard_decision *copy = malloc(sizeof *copy);
            require(copy != NULL, "out of memory");
            memcpy(copy, d, sizeof *copy);
            check_no_decision(copy);
            free(copy);
        }
        if (i == 0) {
            first = o;
        } else if (!same_outcome(&first, &o)) {
            fprintf(stderr, "c_api: policies from %s and %s decide differently\n", ps->p[0].how, ps->p[i].how);
            abort();
        }
        free(d);
    }
}

/* Argument errors on a valid policy: NULLs, a misaligned decision, a copied policy; none writes anything. */
static void check_argument_errors(input *in, const built_policy *bp, const corsguard_request *req) {
    uint8_t *raw = malloc(sizeof(corsguard_decision) + 8);
    require(raw != NULL, "out of memory");
    memset(raw, 0xa5, sizeof(corsguard_decision) + 8);
    corsguard_decision *d = (corsguard_decision *)(void *)raw;
    require(corsguard_decide(NULL, req, d) == CORSGUARD_RESULT_NULL_ARGUMENT, "NULL policy");
    require(corsguard_decide(bp->policy, NULL, d) == CORSGUARD_RESULT_NULL_ARGUMENT, "NULL request");
    require(corsguard_decide(bp->policy, req, NULL) == CORSGUARD_RESULT_NULL_ARGUMENT, "NULL decision");
    uintptr_t odd = (uintptr_t)(raw + 1 + take_byte(in) % 7);
    require(corsguard_decide(bp->policy, req, (corsguard_decision *)odd) == CORSGUARD_RESULT_MISALIGNED,
            "misaligned decision");
    for (size_t j = 0; j < sizeof(corsguard_decision) + 8; j++) require(raw[j] == 0xa5, "nothing written");

    if (bp->mem) {
        /* A copy of the policy's memory, at the same alignment, is no policy. */
        uint8_t *copy_block = malloc(bp->mem_len + 64);
        require(copy_block != NULL, "out of memory");
        uintptr_t shift = ((uintptr_t)bp->mem - (uintptr_t)copy_block) & 63;
        uint8_t *copy = copy_block + shift;
        memcpy(copy, bp->mem, bp->mem_len);
        const corsguard_policy *moved =
            (const corsguard_policy *)(void *)(copy + ((const uint8_t *)bp->policy - bp->mem));
        corsguard_result r = corsguard_decide(moved, req, d);
        require(r == CORSGUARD_RESULT_INVALID_POLICY, "a copied policy is refused");
        for (size_t j = 0; j < sizeof(corsguard_decision) + 8; j++) require(raw[j] == 0xa5, "nothing written");
        /* corsguard_policy_free on a copy does nothing (ASan would see a bad free). */
        corsguard_policy_free((corsguard_policy *)(uintptr_t)moved);
        free(copy_block);
    }
    free(raw);
}

/* The static strings: never NULL, NUL-terminated, for any code. */
static void check_strings(input *in) {
    uint32_t code = take_u32(in);
    const char *texts[] = {
        corsguard_result_str(code),           corsguard_reason_str(code), corsguard_origin_error_str(code),
        corsguard_policy_error_kind_str(code), corsguard_setting_str(code), corsguard_syntax_error_str(code),
    };
    for (size_t i = 0; i < COUNT(texts); i++) require(texts[i] != NULL && strlen(texts[i]) < 512, "static text");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static input in;
    in.p = data;
    in.n = size;
    in.alloc_count = 0;

    policies ps;
    memset(&ps, 0, sizeof ps);
    uint8_t how = take_byte(&in);

    if (how < 0xc0) {
        /* Settings through a config, the builder, and a rendered policy file. */
        settings s;
        take_settings(&in, &s);
        corsguard_policy_error config_error;
        corsguard_result r = from_config(&in, &s, &ps, &config_error);
        if (s.valid_modes) {
            from_builder(&in, &s, &ps, r, &config_error);
            text_buf text = {0};
            if (render(&s.config, take_byte(&in), &text)) {
                corsguard_policy_file_error file_error;
                corsguard_result fr = from_file(&in, (const uint8_t *)text.buf, text.len, &ps, &file_error);
                if (fr != r || (r != CORSGUARD_RESULT_OK && !same_policy_error(&file_error.policy, &config_error))) {
                    fprintf(stderr, "c_api: config gives %u (kind %u setting %u index %zu), its file %u (syntax %u "
                                    "kind %u setting %u index %zu at %u:%u):\n%.*s\n",
                            r, config_error.kind, config_error.setting, config_error.index, fr, file_error.syntax,
                            file_error.policy.kind, file_error.policy.setting, file_error.policy.index,
                            file_error.line, file_error.column, (int)text.len, text.buf);
                    abort();
                }
            }
            free(text.buf);
        }
        ps.success_status = s.config.preflight_success_status ? s.config.preflight_success_status : 204;
        ps.failure_status = s.config.preflight_failure_status ? s.config.preflight_failure_status : 403;
    } else {
        /* Raw policy-file text (two length bytes), through _size/_init and _build. */
        size_t len = ((size_t)take_byte(&in) << 8 | take_byte(&in)) % 4096;
        if (len > in.n) len = in.n;
        corsguard_slice text = copy_bytes(&in, in.p, len);
        in.p += len;
        in.n -= len;
        corsguard_policy_file_error file_error;
        from_file(&in, text.ptr, text.len, &ps, &file_error);
    }

    if (ps.count > 0) {
        for (int i = 0; i < 8 && in.n > 0; i++) {
            corsguard_request req;
            take_request(&in, &req);
            decide_everywhere(&req, &ps);
            if (i == 0) check_argument_errors(&in, &ps.p[take_byte(&in) % ps.count], &req);
        }
    }
    check_strings(&in);

    for (size_t i = 0; i < ps.count; i++) corsguard_policy_free(ps.p[i].owned);
    release_all(&in);
    return 0;
}
