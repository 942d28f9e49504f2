/*
 * corsguard for civetweb (1.15, Debian libcivetweb-dev): the glue between civetweb's callbacks and
 * corsguard_decide. Copy corsguard_civetweb.{c,h} into your server; example_server.c shows the wiring.
 *
 * Wiring, with the policy built once at start (it is immutable: every worker thread shares it):
 *   - callbacks.begin_request: return corsguard_civetweb_begin_request(conn, policy). It answers preflights
 *     (the decision's status, its headers, no body) and refuses requests it cannot decide safely; it returns 0
 *     for every other request, which civetweb then routes to your handlers.
 *   - every response your handlers send: call corsguard_civetweb_add_headers(conn, policy, vary) between
 *     mg_response_header_start and mg_response_header_send, passing your own Vary value (or NULL) instead of
 *     adding a Vary header yourself: civetweb keeps the headers you added where the glue cannot read them, so
 *     the glue writes one Vary line, yours followed by corsguard's.
 *   - callbacks.http_error: return corsguard_civetweb_http_error(conn, policy, status, message). civetweb's
 *     own error pages for requests it has read (404 with no handler, mg_send_http_error from a handler) then
 *     carry the headers too.
 *   - start civetweb with "access_control_allow_origin", "access_control_allow_methods" and
 *     "access_control_allow_headers" set to "": they default to "*", and civetweb would then answer OPTIONS
 *     itself and add Access-Control-Allow-Origin: * to the files it serves.
 *
 * What civetweb cannot expose, and what the glue does then:
 *   - More than MG_MAX_HEADERS (64) header lines: civetweb keeps the first 64 and drops the rest without
 *     saying so, and a dropped line could be a second Origin or Access-Control-Request-Method line, which
 *     must deny. So a request with 64 visible lines, one of them Origin, is refused with 400 and no CORS
 *     headers, exactly like one whose Access-Control-Request-Headers has more than CORSGUARD_MAX_HEADER_LINES
 *     lines. With no Origin among the 64 it is not a CORS request as far as anyone can tell, and no
 *     Access-Control-* header is sent: a dropped Origin can only lose access, never gain it.
 *   - Requests civetweb cannot read (a malformed request or header line, a header name with bytes >= 0x80, a
 *     tab anywhere in the head, a method it does not know such as PURGE, headers larger than its buffer, a
 *     bad HTTP version): civetweb answers them itself (400, 413, 505) and closes the connection. The glue
 *     never saw their headers, so its http_error hook leaves those pages without CORS headers: the browser
 *     treats them as denied.
 *   - civetweb skips blanks before a value and accepts blanks between a header name and its colon;
 *     corsguard trims values itself, so neither changes a decision.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#ifndef CORSGUARD_CIVETWEB_H
#define CORSGUARD_CIVETWEB_H

#include <civetweb.h>

#include "corsguard.h"

/* For callbacks.begin_request. Decides the request and, for a preflight, sends the answer (the decision's
 * status and headers, an empty body) and returns that status, so civetweb goes no further and the request
 * never reaches a handler. A request the glue cannot decide safely (too many header lines, see above) gets
 * 400 with no CORS headers; a failure inside corsguard gets 500 likewise. Returns 0 for every other request:
 * civetweb goes on and routes it. */
int corsguard_civetweb_begin_request(struct mg_connection *conn, const corsguard_policy *policy);

/* Adds the decision's headers to the response being built: call it after mg_response_header_start and
 * before mg_response_header_send. `vary` is the response's own Vary value, or NULL: the glue sends one Vary
 * line with it first and corsguard's after it. Returns 0, or -1 when no CORS header could be added (the
 * request could not be decided, or civetweb refused a header): the response then carries no CORS header
 * (or only some), which browsers read as denied. */
int corsguard_civetweb_add_headers(struct mg_connection *conn, const corsguard_policy *policy, const char *vary);

/* For callbacks.http_error. Sends civetweb's error page (status, `message` as text/plain) with the
 * decision's headers and returns 0 (handled), when civetweb had read the whole request; returns 1 (let
 * civetweb send its own page, without CORS headers) when it had not. */
int corsguard_civetweb_http_error(struct mg_connection *conn, const corsguard_policy *policy, int status,
                                  const char *message);

#endif /* CORSGUARD_CIVETWEB_H */
