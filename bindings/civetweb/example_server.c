/*
 * A small JSON API on civetweb, guarded by corsguard through corsguard_civetweb.{c,h}. The policy comes from
 * a policy file (docs/policy-file.md), read and validated once at start.
 *
 * usage: civetweb_example_server --policy FILE --port N     (listens on 127.0.0.1:N until SIGTERM or SIGINT)
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
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <civetweb.h>

#include "corsguard.h"
#include "corsguard_civetweb.h"
#include "load_policy.h"

#define PROGRAM "civetweb_example_server"

static volatile sig_atomic_t stopping;

static void on_signal(int signal_number) {
    (void)signal_number;
    stopping = 1;
}

/* The policy is civetweb's user data: every callback finds it through the connection. */
static const corsguard_policy *policy_of(const struct mg_connection *conn) {
    return mg_get_user_data(mg_get_context(conn));
}

static int begin_request(struct mg_connection *conn) {
    return corsguard_civetweb_begin_request(conn, policy_of(conn));
}

static int http_error(struct mg_connection *conn, int status, const char *message) {
    return corsguard_civetweb_http_error(conn, policy_of(conn), status, message);
}

/* One response: status, the route's own headers ("Name: value" pairs, NULL-terminated), corsguard's headers
 * (with the route's Vary in front of corsguard's), and the body unless the request is HEAD. */
static int respond(struct mg_connection *conn, int status, const char *const *headers, const char *vary,
                   const char *body) {
    char length[24];
    size_t i;

    snprintf(length, sizeof length, "%zu", strlen(body));
    mg_response_header_start(conn, status);
    mg_response_header_add(conn, "Content-Type", "application/json", -1);
    mg_response_header_add(conn, "Content-Length", length, -1);
    for (i = 0; headers != NULL && headers[i] != NULL; i += 2) {
        mg_response_header_add(conn, headers[i], headers[i + 1], -1);
    }
    corsguard_civetweb_add_headers(conn, policy_of(conn), vary);
    mg_response_header_send(conn);
    if (strcmp(mg_get_request_info(conn)->request_method, "HEAD") != 0) {
        mg_write(conn, body, strlen(body));
    }
    return status;
}

static int redirect(struct mg_connection *conn) {
    const char *query = mg_get_request_info(conn)->query_string;
    char to[2048];
    const char *location[] = {"Location", to, NULL};
    int len = query == NULL ? -1 : mg_get_var(query, strlen(query), "to", to, sizeof to);
    int i;

    /* A decoded CR, LF or other control byte would split the Location line. */
    for (i = 0; i < len; i++) {
        if ((unsigned char)to[i] < 0x20 || to[i] == 0x7f) {
            len = -1;
        }
    }
    if (len < 0) {
        return respond(conn, 400, NULL, NULL, "{\"error\":\"to= is missing\"}");
    }
    return respond(conn, 302, location, NULL, "{}");
}

/* Every request civetweb routes comes here ("**" matches any path); routes are matched exactly. */
static int route(struct mg_connection *conn, void *unused) {
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *method = ri->request_method, *path = ri->local_uri;
    static const char *const items_headers[] = {"X-Request-Id", "42", "X-Total-Count", "3", NULL};
    static const char *const echo_headers[] = {"X-Request-Id", "42", NULL};
    char body[160];
    (void)unused;

    if (strcmp(path, "/api/items") == 0 && (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)) {
        return respond(conn, 200, items_headers, "Accept-Encoding", "{\"items\":[1,2,3]}");
    }
    if (strcmp(path, "/api/echo") == 0) {
        /* civetweb only accepts methods it knows, all plain uppercase words: nothing to escape. */
        snprintf(body, sizeof body, "{\"method\":\"%s\"}", method);
        return respond(conn, 200, echo_headers, NULL, body);
    }
    if (strcmp(path, "/api/error") == 0) {
        return respond(conn, 500, NULL, NULL, "{\"error\":\"boom\"}");
    }
    if (strcmp(path, "/api/redirect") == 0) {
        return redirect(conn);
    }
    return respond(conn, 404, NULL, NULL, "{\"error\":\"not found\"}");
}

int main(int argc, char **argv) {
    const char *policy_path;
    unsigned short port;
    char listening[64];
    struct mg_callbacks callbacks;
    struct mg_context *ctx;
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
    snprintf(listening, sizeof listening, "127.0.0.1:%u", (unsigned)port);

    /* SIGTERM and SIGINT stay blocked everywhere (civetweb's threads inherit the mask) but in sigsuspend
     * below, so the main thread takes them and none is lost between the test and the wait. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &others);
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);

    {
        const char *options[] = {
            "listening_ports", listening,
            "num_threads", "8",
            "enable_keep_alive", "yes",
            "keep_alive_timeout_ms", "5000",
            "request_timeout_ms", "10000",
            /* Off, or civetweb would answer OPTIONS and add Access-Control-Allow-Origin: * by itself. */
            "access_control_allow_origin", "",
            "access_control_allow_methods", "",
            "access_control_allow_headers", "",
            NULL,
        };
        memset(&callbacks, 0, sizeof callbacks);
        callbacks.begin_request = begin_request;
        callbacks.http_error = http_error;
        mg_init_library(0);
        ctx = mg_start(&callbacks, policy, options);
    }
    if (ctx == NULL) {
        fprintf(stderr, PROGRAM ": civetweb could not start on %s\n", listening);
        corsguard_policy_free(policy);
        return 1;
    }
    mg_set_request_handler(ctx, "**", route, NULL);

    fprintf(stderr, PROGRAM ": listening on http://%s\n", listening);
    while (!stopping) {
        sigsuspend(&others);
    }
    mg_stop(ctx);
    mg_exit_library();
    corsguard_policy_free(policy);
    return 0;
}
