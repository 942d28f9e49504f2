/* The C side of the Go binding's one crossing per request (shim.c): the answer's layout, read by the Go
 * code. See cgo.go. SPDX-License-Identifier: MIT OR Apache-2.0 */
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

// 16 bytes, so that the whole answer is small to return and to clear.
typedef struct {
	uint64_t at;        // a request header: the value's offset in its line; CG_SRC_STATIC: its address
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

// Learns where the library keeps each header name (once, before any decision): the number learnt, 8.
int cg_init_names(void);

// Decides one request: see shim.c. Of Origin, Access-Control-Request-Method and
// Access-Control-Request-Private-Network only the first line and the line count are given, as
// corsguard_request takes them.
cg_decision cg_decide(uintptr_t policy, const uint8_t *method, size_t method_len,
		const uint8_t *origin0, size_t origin0_len, size_t origin_count,
		const uint8_t *acrm0, size_t acrm0_len, size_t acrm_count,
		const uint8_t *acrpn0, size_t acrpn0_len, size_t acrpn_count,
		const uint8_t *acrh, size_t acrh_len, const uint32_t *acrh_lens, size_t acrh_count);

#endif
