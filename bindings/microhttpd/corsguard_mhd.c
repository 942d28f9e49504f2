/*
 * corsguard for libmicrohttpd: reads every header line of the request, decides, answers preflights, and adds
 * the decision's headers to the application's responses. Nothing is kept between calls: each function decides
 * again from the request libmicrohttpd holds (a decision costs well under a microsecond).
 * What libmicrohttpd cannot expose and what the glue does then: corsguard_mhd.h.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#include "corsguard_mhd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Access-Control-Request-Headers lines, in arrival order, up to one past CORSGUARD_MAX_HEADER_LINES: enough
 * for corsguard to see everything that matters, since that one line already makes the request too many and
 * later lines change nothing. */
#define MAX_LINES (CORSGUARD_MAX_HEADER_LINES + 1)

/* The request corsguard reads, pointing into libmicrohttpd's header values. Of Origin,
 * Access-Control-Request-Method and Access-Control-Request-Private-Network corsguard takes the first line and
 * a count of lines, capped at 2: a second line already makes the request malformed whatever it holds. */
typedef struct {
    corsguard_slice headers[MAX_LINES];
    corsguard_request request;
} request_lines;

static corsguard_slice slice(const char *value, size_t len) {
    corsguard_slice s = {(const uint8_t *)value, len};
    return s;
}

/* Keeps the first line of a header and counts its lines, up to 2. */
static void keep_first(corsguard_slice *first, size_t *count, const char *value, size_t len) {
    if (*count == 0) {
        *first = slice(value, len);
    }
    if (*count < 2) {
        (*count)++;
    }
}

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *name, size_t name_len,
                               const char *value, size_t value_len) {
    request_lines *lines = cls;
    corsguard_request *request = &lines->request;
    (void)kind;
    (void)name_len;
    if (value == NULL) {
        value = "";
        value_len = 0;
    }
    if (strcasecmp(name, "Origin") == 0) {
        keep_first(&request->origin, &request->origin_count, value, value_len);
    } else if (strcasecmp(name, "Access-Control-Request-Method") == 0) {
        keep_first(&request->request_method, &request->request_method_count, value, value_len);
    } else if (strcasecmp(name, "Access-Control-Request-Headers") == 0) {
        if (request->request_headers_count < MAX_LINES) {
            lines->headers[request->request_headers_count++] = slice(value, value_len);
        }
    } else if (strcasecmp(name, "Access-Control-Request-Private-Network") == 0) {
        keep_first(&request->request_private_network, &request->request_private_network_count, value,
                   value_len);
    }
    return MHD_YES;
}

/* Reads every request header line and decides. Returns 0, or the status to refuse the request with. */
static unsigned decide(struct MHD_Connection *connection, const char *method, const corsguard_policy *policy,
                       request_lines *lines, corsguard_decision *decision) {
    corsguard_result result;

    memset(&lines->request, 0, sizeof lines->request);
    lines->request.method = slice(method, strlen(method));
    lines->request.request_headers = lines->headers;
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, collect, lines);

    result = corsguard_decide(policy, &lines->request, decision);
    if (result == CORSGUARD_RESULT_TOO_MANY_LINES) {
        return MHD_HTTP_BAD_REQUEST;
    }
    if (result != CORSGUARD_RESULT_OK) {
        fprintf(stderr, "corsguard_decide: %s\n", corsguard_result_str(result));
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    return 0;
}

/* Finds the response's own Vary line: its name exactly as stored (MHD_del_response_header compares names
 * byte for byte) and its value. */
typedef struct {
    const char *name, *value;
} found_header;

static enum MHD_Result find_vary(void *cls, enum MHD_ValueKind kind, const char *name, const char *value) {
    found_header *found = cls;
    (void)kind;
    if (strcasecmp(name, "Vary") == 0) {
        found->name = name;
        found->value = value;
        return MHD_NO;
    }
    return MHD_YES;
}

/* Adds one header; its value is a slice, and libmicrohttpd wants a C string. For Vary, the response's own
 * Vary line (if any) is replaced by one line holding its value followed by corsguard's. */
static enum MHD_Result add_header(struct MHD_Response *response, const corsguard_header *header) {
    const char *name = (const char *)header->name.ptr; /* NUL-terminated, see corsguard_header */
    found_header app = {NULL, NULL};
    size_t prefix = 0, len;
    char *value;
    enum MHD_Result added;

    if (strcasecmp(name, "Vary") == 0) {
        MHD_get_response_headers(response, find_vary, &app);
    }
    if (app.value != NULL) {
        prefix = strlen(app.value) + 2;
    }
    len = prefix + header->value.len;
    value = malloc(len + 1);
    if (value == NULL) {
        return MHD_NO;
    }
    if (app.value != NULL) {
        memcpy(value, app.value, prefix - 2);
        memcpy(value + prefix - 2, ", ", 2);
        MHD_del_response_header(response, app.name, app.value);
    }
    memcpy(value + prefix, header->value.ptr, header->value.len);
    value[len] = '\0';
    added = MHD_add_response_header(response, name, value);
    free(value);
    return added;
}

static enum MHD_Result add_decision_headers(struct MHD_Response *response, const corsguard_decision *decision) {
    corsguard_header headers[CORSGUARD_MAX_HEADERS];
    size_t count = 0, i;
    enum MHD_Result all = MHD_YES;

    if (corsguard_decision_headers(decision, headers, CORSGUARD_MAX_HEADERS, &count) != CORSGUARD_RESULT_OK) {
        return MHD_NO;
    }
    for (i = 0; i < count; i++) {
        if (add_header(response, &headers[i]) != MHD_YES) {
            all = MHD_NO;
        }
    }
    return all;
}

/* Queues a bodiless (or short text) answer with `status`; the decision's headers when there is one. */
static enum MHD_Result answer(struct MHD_Connection *connection, unsigned status, const char *body,
                              const corsguard_decision *decision) {
    struct MHD_Response *response =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result queued;

    if (response == NULL) {
        return MHD_NO;
    }
    if (decision != NULL) {
        add_decision_headers(response, decision);
    } else {
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    }
    queued = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return queued;
}

bool corsguard_mhd_answer_preflight(struct MHD_Connection *connection, const char *method,
                                    const corsguard_policy *policy, enum MHD_Result *result) {
    request_lines lines;
    corsguard_decision decision;
    unsigned refused = decide(connection, method, policy, &lines, &decision);

    if (refused == MHD_HTTP_BAD_REQUEST) {
        *result = answer(connection, refused, "too many header lines\n", NULL);
        return true;
    }
    if (refused != 0) {
        *result = answer(connection, refused, "internal error\n", NULL);
        return true;
    }
    if (!corsguard_decision_answer_now(&decision)) {
        return false;
    }
    *result = answer(connection, corsguard_decision_status(&decision), "", &decision);
    return true;
}

enum MHD_Result corsguard_mhd_add_headers(struct MHD_Connection *connection, const char *method,
                                          const corsguard_policy *policy, struct MHD_Response *response) {
    request_lines lines;
    corsguard_decision decision;

    if (decide(connection, method, policy, &lines, &decision) != 0) {
        return MHD_NO;
    }
    return add_decision_headers(response, &decision);
}
