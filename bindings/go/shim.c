/* The C side of the Go binding's one crossing per request: the request's lines in as plain arguments, the
 * decision made on this stack, and everything Go needs returned by value (see cgo.go and shim.h). Compiled
 * once, by cgo, into the package. SPDX-License-Identifier: MIT OR Apache-2.0 */
#include <stdint.h>
#include <string.h>

#include "shim.h"

static const char *const cg_names[8] = {
	"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
	"Access-Control-Allow-Headers", "Access-Control-Max-Age", "Access-Control-Allow-Private-Network",
	"Access-Control-Expose-Headers", "Vary",
};

// Where the library keeps each name: its names are static, so after cg_learn_names a name is told by its
// address alone, in a few comparisons instead of a string compare. Written once, by cg_learn_names, during
// the Go package's initialisation and before any decision; read-only afterwards.
static const uint8_t *cg_name_ptrs[8];

static uint8_t cg_name_by_text(corsguard_slice name) {
	for (uint8_t i = 0; i < 8; i++) {
		if (strlen(cg_names[i]) == name.len && memcmp(cg_names[i], name.ptr, name.len) == 0) {
			return i;
		}
	}
	return CG_NAME_UNKNOWN;
}

// The name number of a header, names coming in emission order: `from` is the previous header's number.
static inline uint8_t cg_name_id(corsguard_slice name, uint8_t from) {
	for (uint8_t i = from; i < 8; i++) {
		if (name.ptr == cg_name_ptrs[i]) {
			return i;
		}
	}
	return cg_name_by_text(name);
}

// Records the address of every name a decision carries.
static void cg_learn_names(const corsguard_decision *d) {
	corsguard_header headers[CORSGUARD_MAX_HEADERS];
	size_t count = 0;
	if (corsguard_decision_headers(d, headers, CORSGUARD_MAX_HEADERS, &count) != CORSGUARD_RESULT_OK) {
		return;
	}
	for (size_t i = 0; i < count; i++) {
		uint8_t id = cg_name_by_text(headers[i].name);
		if (id != CG_NAME_UNKNOWN) {
			cg_name_ptrs[id] = headers[i].name.ptr;
		}
	}
}

// Learns every name's address from two decisions that carry all eight: returns how many were learnt.
int cg_init_names(void) {
	static const corsguard_slice origins[] = {CORSGUARD_SLICE("https://a.example")};
	static const corsguard_slice list[] = {CORSGUARD_SLICE("x-a")};
	corsguard_config config;
	static uint64_t mem[1024];
	const corsguard_policy *policy = NULL;
	size_t size = 0;
	corsguard_slice origin = CORSGUARD_SLICE("https://a.example"), method = CORSGUARD_SLICE("GET"),
		pna = CORSGUARD_SLICE("true");
	corsguard_request request;
	corsguard_decision d;
	int learnt = 0;

	memset(&config, 0, sizeof config);
	config.origins = origins;
	config.origin_count = 1;
	config.credentials = true;
	config.request_headers_mode = CORSGUARD_MODE_LIST;
	config.request_headers = list;
	config.request_header_count = 1;
	config.exposed_headers_mode = CORSGUARD_MODE_LIST;
	config.exposed_headers = list;
	config.exposed_header_count = 1;
	config.has_max_age = true;
	config.max_age = 60;
	config.private_network = true;
	if (corsguard_policy_size(&config, &size) != CORSGUARD_RESULT_OK || size > sizeof mem ||
		corsguard_policy_init(&config, mem, sizeof mem, &policy, NULL) != CORSGUARD_RESULT_OK) {
		return 0;
	}
	memset(&request, 0, sizeof request);
	request.method.ptr = (const uint8_t *)"OPTIONS";
	request.method.len = 7;
	request.origin = origin;
	request.origin_count = 1;
	request.request_method = method;
	request.request_method_count = 1;
	request.request_private_network = pna;
	request.request_private_network_count = 1;
	request.request_headers = list;
	request.request_headers_count = 1;
	if (corsguard_decide(policy, &request, &d) == CORSGUARD_RESULT_OK) {
		cg_learn_names(&d);
	}
	request.method = method;
	if (corsguard_decide(policy, &request, &d) == CORSGUARD_RESULT_OK) {
		cg_learn_names(&d);
	}
	for (int i = 0; i < 8; i++) {
		learnt += cg_name_ptrs[i] != NULL;
	}
	return learnt;
}

static int cg_within(corsguard_slice v, const uint8_t *p, size_t n) {
	return v.len <= n && (uintptr_t)v.ptr >= (uintptr_t)p && (uintptr_t)v.ptr - (uintptr_t)p <= n - v.len;
}

// origin0, acrm0 and acrpn0 are the first line of their header (not read when its count is 0), each count
// the number of lines. acrh holds the Access-Control-Request-Headers lines back to back, acrh_lens their lengths (NULL when
// there is at most one line: its length is then acrh_len).
cg_decision cg_decide(uintptr_t policy, const uint8_t *method, size_t method_len,
		const uint8_t *origin0, size_t origin0_len, size_t origin_count,
		const uint8_t *acrm0, size_t acrm0_len, size_t acrm_count,
		const uint8_t *acrpn0, size_t acrpn0_len, size_t acrpn_count,
		const uint8_t *acrh, size_t acrh_len, const uint32_t *acrh_lens, size_t acrh_count) {
	cg_decision out;
	corsguard_slice acrh_lines[CORSGUARD_MAX_HEADER_LINES];
	corsguard_request request;
	corsguard_decision d;
	corsguard_header headers[CORSGUARD_MAX_HEADERS];
	size_t count = 0;

	out.count = 0;
	if (acrh_count > CORSGUARD_MAX_HEADER_LINES) {
		out.result = CORSGUARD_RESULT_TOO_MANY_LINES;
		return out;
	}
	if (acrh_count == 1) {
		acrh_lines[0].ptr = acrh;
		acrh_lines[0].len = acrh_len;
	} else {
		size_t at = 0;
		for (size_t i = 0; i < acrh_count; i++) {
			acrh_lines[i].ptr = acrh + at;
			acrh_lines[i].len = acrh_lens[i];
			at += acrh_lens[i];
		}
	}
	request.method.ptr = method;
	request.method.len = method_len;
	request.origin.ptr = origin0;
	request.origin.len = origin0_len;
	request.origin_count = origin_count;
	request.request_method.ptr = acrm0;
	request.request_method.len = acrm0_len;
	request.request_method_count = acrm_count;
	request.request_private_network.ptr = acrpn0;
	request.request_private_network.len = acrpn0_len;
	request.request_private_network_count = acrpn_count;
	request.request_headers = acrh_lines;
	request.request_headers_count = acrh_count;

	out.result = corsguard_decide((const corsguard_policy *)policy, &request, &d);
	if (out.result != CORSGUARD_RESULT_OK) {
		return out;
	}
	out.result = corsguard_decision_headers(&d, headers, CORSGUARD_MAX_HEADERS, &count);
	if (out.result != CORSGUARD_RESULT_OK) {
		return out;
	}
	// Only the accessors whose answer is not implied by another's: each checks the decision again.
	out.kind = (uint8_t)corsguard_decision_kind(&d);
	out.verdict = (uint8_t)corsguard_decision_verdict(&d);
	out.reason = 0;
	out.origin_error = 0;
	out.status = 0;
	if (out.verdict != CORSGUARD_VERDICT_ALLOWED) {
		out.reason = (uint8_t)corsguard_decision_reason(&d);
		if (out.reason == CORSGUARD_REASON_ORIGIN_MALFORMED) {
			out.origin_error = (uint8_t)corsguard_decision_origin_error(&d);
		}
	}
	if (out.kind == CORSGUARD_KIND_PREFLIGHT) {
		out.status = corsguard_decision_status(&d);
	}
	out.count = (uint16_t)count;
	uint8_t name = 0;
	for (size_t i = 0; i < count; i++) {
		corsguard_slice v = headers[i].value;
		cg_header *h = &out.headers[i];
		h->name = name = cg_name_id(headers[i].name, name);
		if (h->name == CG_NAME_UNKNOWN) {
			out.result = CG_RESULT_UNKNOWN_NAME;
		}
		h->len = (uint32_t)v.len;
		h->line = 0;
		h->at = 0;
		if (origin_count > 0 && cg_within(v, origin0, origin0_len)) {
			h->src = CG_SRC_ORIGIN;
			h->at = (uint64_t)(v.ptr - origin0);
		} else if (acrm_count > 0 && cg_within(v, acrm0, acrm0_len)) {
			h->src = CG_SRC_METHOD;
			h->at = (uint64_t)(v.ptr - acrm0);
		} else {
			h->src = CG_SRC_STATIC;
			h->at = (uint64_t)(uintptr_t)v.ptr;
			for (size_t j = 0; j < acrh_count; j++) {
				if (cg_within(v, acrh_lines[j].ptr, acrh_lines[j].len)) {
					h->src = CG_SRC_HEADERS;
					h->line = (uint16_t)j;
					h->at = (uint64_t)(v.ptr - acrh_lines[j].ptr);
					break;
				}
			}
		}
	}
	return out;
}
