/*
 * A small JSON API on GNU libmicrohttpd, guarded by corsguard through corsguard_mhd.{c,h}. The policy comes
 * from a policy file (docs/policy-file.md), read and validated once at start.
 *
 * usage: mhd_example_server --policy FILE --port N     (listens on 127.0.0.1:N until SIGTERM or SIGINT)
 *
 * Routes (the same in every example server of the repository):
 *   GET|HEAD /api/items     200 {"items":[1,2,3]}, X-Request-Id: 42, X-Total-Count: 3, Vary: Accept-Encoding
 *   any      /api/echo      200 {"method":"<METHOD>"}, X-Request-Id: 42
 *   any      /api/error     500 {"error":"boom"}
 *   any      /api/redirect  302 to the url-decoded ?to= value (400 when it is missing)
 *   anything else           404 {"error":"not found"}
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "corsguard.h"
#include "corsguard_mhd.h"
#include "load_policy.h"

#define PROGRAM "mhd_example_server"

static volatile sig_atomic_t stopping;

static void on_signal(int signal_number) {
    (void)signal_number;
    stopping = 1;
}

/* The route's answer: status, body and the headers it adds of its own ("Name", "value" pairs). */
typedef struct {
    unsigned status;
    const char *body;
    const char *headers[6];
} route_answer;

/* {"method":"..."} with the method escaped for JSON: libmicrohttpd passes any method through. */
static char *echo_body(const char *method) {
    size_t len = strlen(method), i, at;
    char *body = malloc(len * 6 + sizeof "{\"method\":\"\"}");

    if (body == NULL) {
        return NULL;
    }
    at = (size_t)sprintf(body, "{\"method\":\"");
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)method[i];
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
            at += (size_t)sprintf(body + at, "\\u%04x", c);
        } else {
            body[at++] = (char)c;
        }
    }
    strcpy(body + at, "\"}");
    return body;
}

static route_answer route(struct MHD_Connection *connection, const char *method, const char *url,
                          char **owned_body) {
    route_answer items = {200, "{\"items\":[1,2,3]}",
                          {"X-Request-Id", "42", "X-Total-Count", "3", "Vary", "Accept-Encoding"}};
    route_answer echo = {200, NULL, {"X-Request-Id", "42"}};
    route_answer error = {500, "{\"error\":\"boom\"}", {NULL}};
    route_answer missing = {400, "{\"error\":\"to= is missing\"}", {NULL}};
    route_answer redirect = {302, "{}", {"Location", NULL}};
    route_answer not_found = {404, "{\"error\":\"not found\"}", {NULL}};
    const char *to;
    size_t i;

    if (strcmp(url, "/api/items") == 0 && (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)) {
        return items;
    }
    if (strcmp(url, "/api/echo") == 0) {
        echo.body = *owned_body = echo_body(method);
        return echo.body != NULL ? echo : error;
    }
    if (strcmp(url, "/api/error") == 0) {
        return error;
    }
    if (strcmp(url, "/api/redirect") == 0) {
        /* libmicrohttpd decodes the query; a control byte in the result would split the Location line. */
        to = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "to");
        for (i = 0; to != NULL && to[i] != '\0'; i++) {
            if ((unsigned char)to[i] < 0x20 || to[i] == 0x7f) {
                to = NULL;
            }
        }
        if (to == NULL || to[0] == '\0') {
            return missing;
        }
        redirect.headers[1] = to;
        return redirect;
    }
    return not_found;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size,
                              void **request_state) {
    static int headers_seen;
    const corsguard_policy *policy = cls;
    struct MHD_Response *response;
    route_answer answer;
    enum MHD_Result result;
    char *owned_body = NULL;
    size_t i;
    (void)version;
    (void)upload_data;

    /* libmicrohttpd calls once with the headers, then once per piece of body, then once more: answer then. */
    if (*request_state == NULL) {
        *request_state = &headers_seen;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0; /* no route reads a body */
        return MHD_YES;
    }

    if (corsguard_mhd_answer_preflight(connection, method, policy, &result)) {
        return result;
    }
    answer = route(connection, method, url, &owned_body);
    response = MHD_create_response_from_buffer(strlen(answer.body), (void *)answer.body, MHD_RESPMEM_MUST_COPY);
    free(owned_body);
    if (response == NULL) {
        return MHD_NO;
    }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    for (i = 0; i + 1 < sizeof answer.headers / sizeof answer.headers[0] && answer.headers[i] != NULL; i += 2) {
        MHD_add_response_header(response, answer.headers[i], answer.headers[i + 1]);
    }
    corsguard_mhd_add_headers(connection, method, policy, response);
    result = MHD_queue_response(connection, answer.status, response);
    MHD_destroy_response(response);
    return result;
}

int main(int argc, char **argv) {
    const char *policy_path;
    unsigned short port;
    struct sockaddr_in address;
    struct MHD_Daemon *daemon;
    struct sigaction action;
    sigset_t stop_signals, others;
    corsguard_policy *policy;

    if (parse_arguments(PROGRAM, argc, argv, &policy_path, &port) != 0) {
        return 2;
    }
    policy = load_policy(PROGRAM, policy_path);
    if (policy == NULL) {
        return 1;
    }

    /* SIGTERM and SIGINT stay blocked everywhere (libmicrohttpd's threads inherit the mask) but in
     * sigsuspend below, so the main thread takes them and none is lost between the test and the wait. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &others);
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    signal(SIGPIPE, SIG_IGN);

    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* One thread per connection: simple, and keep-alive connections never wait for each other. */
    daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
                              port, NULL, NULL, handle, policy,
                              MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
                              MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                              MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, PROGRAM ": libmicrohttpd could not start on 127.0.0.1:%u\n", (unsigned)port);
        corsguard_policy_free(policy);
        return 1;
    }
    fprintf(stderr, PROGRAM ": listening on http://127.0.0.1:%u\n", (unsigned)port);
    while (!stopping) {
        sigsuspend(&others);
    }
    MHD_stop_daemon(daemon);
    corsguard_policy_free(policy);
    return 0;
}
