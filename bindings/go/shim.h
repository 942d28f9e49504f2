/* The C side of the Go binding's one crossing per request: see cgo.go. SPDX-License-Identifier: MIT OR Apache-2.0 */
#ifndef CORSGUARD_GO_SHIM_H
#define CORSGUARD_GO_SHIM_H
#include <stdint.h>
#include <string.h>
#include <corsguard.h>

enum {
	CG_SRC_STATIC = 0,  // in the policy's memory or the library's, at `ptr`
	CG_SRC_ORIGIN = 1,  // in Origin line `line`, at offset `at`
	CG_SRC_METHOD = 2,  // in Access-Control-Request-Method line `line`
	CG_SRC_HEADERS = 3, // in Access-Control-Request-Headers line `line`
	CG_NAME_UNKNOWN = 255,
	// corsguard_decide's results are below 256; the shim adds this one.
	CG_RESULT_UNKNOWN_NAME = 0x10000,
};

typedef struct {
	const uint8_t *ptr; // CG_SRC_STATIC: the value's address
	uint32_t at;        // a request header: the value's offset in its line
	uint32_t len;
	uint8_t name;
	uint8_t src;
	uint16_t line;
} cg_header;

typedef struct {
	uint32_t result;
	uint8_t kind;
	uint8_t verdict;
	uint8_t reason;
	uint8_t origin_error;
	uint16_t status;
	uint16_t count;
	cg_header headers[CORSGUARD_MAX_HEADERS];
} cg_decision;

static const char *const cg_names[8] = {
	"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
	"Access-Control-Allow-Headers", "Access-Control-Max-Age", "Access-Control-Allow-Private-Network",
	"Access-Control-Expose-Headers", "Vary",
};

static uint8_t cg_name_id(corsguard_slice name) {
	for (uint8_t i = 0; i < 8; i++) {
		if (strlen(cg_names[i]) == name.len && memcmp(cg_names[i], name.ptr, name.len) == 0) {
			return i;
		}
	}
	return CG_NAME_UNKNOWN;
}

static int cg_within(corsguard_slice v, const uint8_t *p, size_t n) {
	return v.len <= n && (uintptr_t)v.ptr >= (uintptr_t)p && (uintptr_t)v.ptr - (uintptr_t)p <= n - v.len;
}

// acrh holds the Access-Control-Request-Headers lines back to back, acrh_lens their lengths (NULL when
// there is at most one line: its length is then acrh_len).
static cg_decision cg_decide(uintptr_t policy, const uint8_t *method, size_t method_len,
		const uint8_t *origin0, size_t origin0_len, const uint8_t *origin1, size_t origin1_len, size_t origin_count,
		const uint8_t *acrm0, size_t acrm0_len, const uint8_t *acrm1, size_t acrm1_len, size_t acrm_count,
		const uint8_t *acrpn0, size_t acrpn0_len, const uint8_t *acrpn1, size_t acrpn1_len, size_t acrpn_count,
		const uint8_t *acrh, size_t acrh_len, const uint32_t *acrh_lens, size_t acrh_count) {
	cg_decision out;
	corsguard_slice origin[2] = {{origin0, origin0_len}, {origin1, origin1_len}};
	corsguard_slice acrm[2] = {{acrm0, acrm0_len}, {acrm1, acrm1_len}};
	corsguard_slice acrpn[2] = {{acrpn0, acrpn0_len}, {acrpn1, acrpn1_len}};
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
	request.origin = origin;
	request.origin_count = origin_count;
	request.request_method = acrm;
	request.request_method_count = acrm_count;
	request.request_headers = acrh_lines;
	request.request_headers_count = acrh_count;
	request.request_private_network = acrpn;
	request.request_private_network_count = acrpn_count;

	out.result = corsguard_decide((const corsguard_policy *)policy, &request, &d);
	if (out.result != CORSGUARD_RESULT_OK) {
		return out;
	}
	out.result = corsguard_decision_headers(&d, headers, CORSGUARD_MAX_HEADERS, &count);
	if (out.result != CORSGUARD_RESULT_OK) {
		return out;
	}
	out.kind = (uint8_t)corsguard_decision_kind(&d);
	out.verdict = (uint8_t)corsguard_decision_verdict(&d);
	out.reason = (uint8_t)corsguard_decision_reason(&d);
	out.origin_error = (uint8_t)corsguard_decision_origin_error(&d);
	out.status = corsguard_decision_status(&d);
	out.count = (uint16_t)count;
	for (size_t i = 0; i < count; i++) {
		corsguard_slice v = headers[i].value;
		cg_header *h = &out.headers[i];
		h->name = cg_name_id(headers[i].name);
		if (h->name == CG_NAME_UNKNOWN) {
			out.result = CG_RESULT_UNKNOWN_NAME;
		}
		h->len = (uint32_t)v.len;
		h->line = 0;
		h->ptr = NULL;
		h->at = 0;
		if (origin_count > 0 && cg_within(v, origin0, origin0_len)) {
			h->src = CG_SRC_ORIGIN;
			h->at = (uint32_t)(v.ptr - origin0);
		} else if (acrm_count > 0 && cg_within(v, acrm0, acrm0_len)) {
			h->src = CG_SRC_METHOD;
			h->at = (uint32_t)(v.ptr - acrm0);
		} else {
			h->src = CG_SRC_STATIC;
			h->ptr = v.ptr;
			for (size_t j = 0; j < acrh_count; j++) {
				if (cg_within(v, acrh_lines[j].ptr, acrh_lines[j].len)) {
					h->src = CG_SRC_HEADERS;
					h->ptr = NULL;
					h->line = (uint16_t)j;
					h->at = (uint32_t)(v.ptr - acrh_lines[j].ptr);
					break;
				}
			}
		}
	}
	return out;
}
#endif
