/*
 * corsguard for civetweb: reads every header line civetweb exposes, decides, answers preflights, and adds the
 * decision's headers to every other response. Nothing is kept between calls: each hook decides again from
 * the request civetweb holds (a decision costs well under a microsecond), so no per-connection state exists.
 * What civetweb cannot expose and what the glue does then: corsguard_civetweb.h.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#include "corsguard_civetweb.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The request corsguard reads, pointing into civetweb's request buffer. Of Origin,
 * Access-Control-Request-Method and Access-Control-Request-Private-Network corsguard takes the first line and
 * how many lines there were (the request itself holds them); Access-Control-Request-Headers is every line.
 * civetweb holds at most MG_MAX_HEADERS lines, so the array has room for all of them (more than
 * CORSGUARD_MAX_HEADER_LINES gives CORSGUARD_RESULT_TOO_MANY_LINES). */
typedef struct {
    corsguard_slice headers[MG_MAX_HEADERS];
    corsguard_request request;
} request_lines;

/* What deciding a request came to. */
typedef enum {
    DECIDED,       /* the decision is written */
    TOO_MANY,      /* header lines were (or may have been) lost: refuse with 400 */
    FAILED,        /* corsguard failed (a bad policy pointer, a panic): refuse with 500 */
} outcome;

static corsguard_slice text(const char *s) {
    corsguard_slice slice = {(const uint8_t *)s, strlen(s)};
    return slice;
}

/* Keeps the first line of a header and counts its lines. */
static void keep_first(corsguard_slice *first, size_t *count, const char *value) {
    if ((*count)++ == 0) {
        *first = text(value);
    }
}

/* Keeps one more line of a header whose every line is read. */
static void keep(corsguard_slice *lines, size_t *count, const char *value) {
    lines[(*count)++] = text(value);
}

static outcome decide(struct mg_connection *conn, const corsguard_policy *policy, request_lines *lines,
                      corsguard_decision *decision) {
    const struct mg_request_info *ri = mg_get_request_info(conn);
    corsguard_request *request = &lines->request;
    corsguard_result result;
    int i;

    memset(request, 0, sizeof *request);
    request->method = text(ri->request_method);
    request->request_headers = lines->headers;
    for (i = 0; i < ri->num_headers; i++) {
        const char *name = ri->http_headers[i].name, *value = ri->http_headers[i].value;
        if (strcasecmp(name, "Origin") == 0) {
            keep_first(&request->origin, &request->origin_count, value);
        } else if (strcasecmp(name, "Access-Control-Request-Method") == 0) {
            keep_first(&request->request_method, &request->request_method_count, value);
        } else if (strcasecmp(name, "Access-Control-Request-Headers") == 0) {
            keep(lines->headers, &request->request_headers_count, value);
        } else if (strcasecmp(name, "Access-Control-Request-Private-Network") == 0) {
            keep_first(&request->request_private_network, &request->request_private_network_count, value);
        }
    }
    /* civetweb drops lines past MG_MAX_HEADERS silently: with all slots full, one may be gone, and if it was
     * a second Origin or Access-Control-Request-Method line the request must be denied. */
    if (ri->num_headers >= MG_MAX_HEADERS && request->origin_count > 0) {
        return TOO_MANY;
    }
    result = corsguard_decide(policy, request, decision);
    if (result == CORSGUARD_RESULT_TOO_MANY_LINES) {
        return TOO_MANY;
    }
    if (result != CORSGUARD_RESULT_OK) {
        mg_cry(conn, "corsguard_decide: %s", corsguard_result_str(result));
        return FAILED;
    }
    return DECIDED;
}

/* Adds the decision's headers, in its order; its Vary goes after `vary` on the same line when there is one. */
static int add_decision_headers(struct mg_connection *conn, const corsguard_decision *decision, const char *vary) {
    corsguard_header headers[CORSGUARD_MAX_HEADERS];
    size_t count = 0, i;
    int failed = 0;

    if (corsguard_decision_headers(decision, headers, CORSGUARD_MAX_HEADERS, &count) != CORSGUARD_RESULT_OK) {
        return -1;
    }
    for (i = 0; i < count; i++) {
        const char *name = (const char *)headers[i].name.ptr; /* NUL-terminated, see corsguard_header */
        const char *value = (const char *)headers[i].value.ptr;
        int value_len = (int)headers[i].value.len;
        char merged[512];

        if (vary != NULL && vary[0] != '\0' && strcasecmp(name, "Vary") == 0) {
            int n = snprintf(merged, sizeof merged, "%s, %.*s", vary, value_len, value);
            if (n > 0 && (size_t)n < sizeof merged) {
                value = merged;
                value_len = n;
            } else if (mg_response_header_add(conn, "Vary", vary, -1) != 0) {
                /* Too long for one line here: two Vary lines, which HTTP reads as the same list. */
                failed = 1;
            }
        }
        if (mg_response_header_add(conn, name, value, value_len) != 0) {
            failed = 1;
        }
    }
    return failed ? -1 : 0;
}

/* A response with no CORS headers, for a request the glue will not decide. */
static int refuse(struct mg_connection *conn, int status, const char *body) {
    char length[24];
    snprintf(length, sizeof length, "%zu", strlen(body));
    mg_response_header_start(conn, status);
    mg_response_header_add(conn, "Content-Type", "text/plain; charset=utf-8", -1);
    mg_response_header_add(conn, "Content-Length", length, -1);
    mg_response_header_send(conn);
    if (strcmp(mg_get_request_info(conn)->request_method, "HEAD") != 0) {
        mg_write(conn, body, strlen(body));
    }
    return status;
}

int corsguard_civetweb_begin_request(struct mg_connection *conn, const corsguard_policy *policy) {
    request_lines lines;
    corsguard_decision decision;
    int status;

    switch (decide(conn, policy, &lines, &decision)) {
    case TOO_MANY:
        return refuse(conn, 400, "too many header lines\n");
    case FAILED:
        return refuse(conn, 500, "internal error\n");
    case DECIDED:
        break;
    }
    if (!corsguard_decision_answer_now(&decision)) {
        return 0;
    }
    status = corsguard_decision_status(&decision);
    mg_response_header_start(conn, status);
    add_decision_headers(conn, &decision, NULL);
    if (status != 204) { /* a 204 carries no Content-Length */
        mg_response_header_add(conn, "Content-Length", "0", -1);
    }
    mg_response_header_send(conn);
    return status;
}

int corsguard_civetweb_add_headers(struct mg_connection *conn, const corsguard_policy *policy, const char *vary) {
    request_lines lines;
    corsguard_decision decision;

    if (decide(conn, policy, &lines, &decision) != DECIDED) {
        if (vary != NULL) {
            mg_response_header_add(conn, "Vary", vary, -1);
        }
        return -1;
    }
    return add_decision_headers(conn, &decision, vary);
}

int corsguard_civetweb_http_error(struct mg_connection *conn, const corsguard_policy *policy, int status,
                                  const char *message) {
    const struct mg_request_info *ri = mg_get_request_info(conn);
    bool has_body = status >= 200 && status != 204 && status != 304;
    char length[24];

    /* civetweb sets local_uri once it has read the whole request and is about to route it; its errors from
     * reading one (400, 413, 505) come before, with the header lines half parsed or not at all. */
    if (ri == NULL || ri->local_uri == NULL) {
        return 1;
    }
    if (mg_response_header_start(conn, status) != 0) {
        return 1; /* a response is already under way: civetweb's own handling is all that is left */
    }
    corsguard_civetweb_add_headers(conn, policy, NULL);
    if (has_body) {
        snprintf(length, sizeof length, "%zu", strlen(message));
        mg_response_header_add(conn, "Content-Type", "text/plain; charset=utf-8", -1);
        mg_response_header_add(conn, "Content-Length", length, -1);
    }
    mg_response_header_send(conn);
    if (has_body && strcmp(ri->request_method, "HEAD") != 0) {
        mg_write(conn, message, strlen(message));
    }
    return 0;
}
