/*
 * corsguard for GNU libmicrohttpd (0.9.75, Debian libmicrohttpd-dev): the glue between the access handler
 * and corsguard_decide. Copy corsguard_mhd.{c,h} into your server; example_server.c shows the wiring.
 *
 * Wiring, in the access handler, at its last call for a request (the request and any body read), with the
 * policy built once at start (it is immutable: every thread shares it):
 *   - first `if (corsguard_mhd_answer_preflight(connection, method, policy, &result)) return result;`: it
 *     answers preflights (the decision's status, its headers, an empty body) and refuses requests it cannot
 *     decide, so neither reaches your code;
 *   - then build your response as usual, and call corsguard_mhd_add_headers(connection, method, policy,
 *     response) just before MHD_queue_response, for every response: 2xx, redirects, your 404s and 500s. It
 *     appends corsguard's Vary to the response's own Vary line (one line, yours first).
 *
 * What libmicrohttpd cannot expose, and what the glue does then:
 *   - Every header line reaches the glue (MHD_get_connection_values_n with MHD_HEADER_KIND lists each line,
 *     repeated names included, in order), with no count limit. What bounds a request is the connection's
 *     memory pool (MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 KiB by default): a larger head is answered by
 *     libmicrohttpd itself with 431 (or 414 for the request line) before the access handler runs. Its other
 *     answers to requests it cannot parse (400 for a line without a colon, 505 for an unknown HTTP version,
 *     ...) are likewise sent without calling the application: libmicrohttpd has no hook for its own error
 *     responses, so they carry no CORS headers, which browsers read as denied.
 *   - A NUL byte ends a header value as libmicrohttpd stores it (the bytes after it are not visible), and
 *     obsolete line folding (a line starting with a blank) is joined to the value before it. corsguard decides
 *     on what it is shown; browsers send neither.
 *   - Access-Control-Request-Headers on more than CORSGUARD_MAX_HEADER_LINES lines is refused with 400 and no
 *     CORS headers, as corsguard_decide asks.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#ifndef CORSGUARD_MHD_H
#define CORSGUARD_MHD_H

#include <stdbool.h>

#include <microhttpd.h>

#include "corsguard.h"

/* Decides the request. For a preflight, queues the answer (the decision's status and headers, an empty body),
 * writes MHD_queue_response's result to *result and returns true: return *result from the access handler.
 * Likewise for a request the glue refuses (400 for too many Access-Control-Request-Headers lines, 500 for a
 * failure inside corsguard, both without CORS headers). Returns false for every other request, which the
 * application answers. */
bool corsguard_mhd_answer_preflight(struct MHD_Connection *connection, const char *method,
                                    const corsguard_policy *policy, enum MHD_Result *result);

/* Adds the decision's headers to `response`, the application's answer to this request; corsguard's Vary is
 * appended to the response's own Vary line, or added when it has none. Call it just before
 * MHD_queue_response. Returns MHD_YES, or MHD_NO when not every header could be added (the request could not
 * be decided, or memory ran out): the response then lacks CORS headers, which browsers read as denied. */
enum MHD_Result corsguard_mhd_add_headers(struct MHD_Connection *connection, const char *method,
                                          const corsguard_policy *policy, struct MHD_Response *response);

#endif /* CORSGUARD_MHD_H */
