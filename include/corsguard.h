/*
 * corsguard: CORS decisions for C. A policy built once from a plain config into memory you give, one call
 * per request, the decision written in place into memory you give, header values borrowed.
 *
 * Conventions: every function that can fail returns a corsguard_result (0 = CORSGUARD_RESULT_OK); output
 * parameters come last and are written only on success; every pointer is checked for NULL and alignment;
 * byte strings are (pointer, length) pairs and need not be UTF-8 or NUL-terminated. The standard build
 * catches a panic inside the library and returns CORSGUARD_RESULT_PANIC; a build without the standard
 * library stops instead. Nothing unwinds into C. A policy is immutable: any number of threads may decide
 * with it at once. The builder functions, corsguard_policy_file_build and corsguard_policy_free exist only
 * in the standard build.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#ifndef CORSGUARD_H
#define CORSGUARD_H

/* Generated from ffi/src by cbindgen 0.29.4 (ffi/cbindgen.toml): do not edit by hand. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/**
 * The `index` of a corsguard_policy_error that is not about one entry of a list.
 */
#define CORSGUARD_NO_INDEX SIZE_MAX

/**
 * A corsguard_slice of a string literal, without its NUL: `CORSGUARD_SLICE("https://app.example.com")`.
 * Usable in static initialisers.
 */
#define CORSGUARD_SLICE(literal) { (const uint8_t *)(literal), sizeof(literal) - 1 }

/// The major version of the corsguard C library these declarations belong to.
#define CORSGUARD_VERSION_MAJOR 0

/// The minor version of the corsguard C library these declarations belong to.
#define CORSGUARD_VERSION_MINOR 1

/// The patch version of the corsguard C library these declarations belong to.
#define CORSGUARD_VERSION_PATCH 0

/// The most headers one decision carries.
#define CORSGUARD_MAX_HEADERS 15

/// The most lines `corsguard_decide` accepts for `Access-Control-Request-Headers`; a request with more
/// gets `CORSGUARD_RESULT_TOO_MANY_LINES`. The other headers may have any number of lines.
#define CORSGUARD_MAX_HEADER_LINES 32

/// The size of `corsguard_decision` in 64-bit words. It may grow only in a major version.
#define CORSGUARD_DECISION_WORDS 112

/// A list setting of `corsguard_config` left at its default: methods GET, HEAD and POST; no request
/// headers; no exposed headers. The list's array is not read.
#define CORSGUARD_MODE_DEFAULT 0

/// A list setting of `corsguard_config` that is exactly the given array (which may be empty).
#define CORSGUARD_MODE_LIST 1

/// Any method (but CONNECT, TRACE and TRACK), any request header but `Authorization`, or every response
/// header exposed (`*`, refused with credentials). The list's array is not read.
#define CORSGUARD_MODE_ANY 2

/// Request headers only: any request header, `Authorization` included. The list's array is not read.
#define CORSGUARD_MODE_ANY_WITH_AUTHORIZATION 3

/// What kind of request `corsguard_decide` saw (the `kind` field of `corsguard_decision`).
typedef enum corsguard_kind {
  /// No `Origin`: same-origin or not from a browser; the application answers as usual.
  CORSGUARD_KIND_NOT_CORS = 0,
  /// A CORS request the application answers, with these headers added.
  CORSGUARD_KIND_ACTUAL = 1,
  /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`: the host answers it itself.
  CORSGUARD_KIND_PREFLIGHT = 2,
} corsguard_kind;

/// Whether the cross-origin read is allowed (the `verdict` field of `corsguard_decision`).
typedef enum corsguard_verdict {
  /// Allowed (for a request that is not CORS: nothing to decide, the application answers as usual).
  CORSGUARD_VERDICT_ALLOWED = 0,
  /// Denied: no CORS headers are sent (only `Vary`); the decision's reason says why.
  CORSGUARD_VERDICT_DENIED = 1,
} corsguard_verdict;

/// Why a request was denied (`corsguard_decision_reason`); 0 when it was not. Stable codes, never reused.
typedef enum corsguard_reason {
  /// Not denied.
  CORSGUARD_REASON_NONE = 0,
  /// The `Origin` value is not a serialized origin; see the decision's `origin_error`.
  CORSGUARD_REASON_ORIGIN_MALFORMED = 1,
  /// The `Origin` value is longer than the policy's cap.
  CORSGUARD_REASON_ORIGIN_TOO_LONG = 2,
  /// More than one `Origin` line.
  CORSGUARD_REASON_ORIGIN_MULTIPLE = 3,
  /// `Origin: null`, which the policy never trusts.
  CORSGUARD_REASON_ORIGIN_NULL = 4,
  /// The origin is well formed but the policy does not allow it.
  CORSGUARD_REASON_ORIGIN_NOT_ALLOWED = 5,
  /// `Access-Control-Request-Method` is empty, too long, not a token, or on several lines.
  CORSGUARD_REASON_METHOD_MALFORMED = 6,
  /// The requested method is CONNECT, TRACE or TRACK.
  CORSGUARD_REASON_METHOD_FORBIDDEN = 7,
  /// The requested method is not allowed by the policy.
  CORSGUARD_REASON_METHOD_NOT_ALLOWED = 8,
  /// `Access-Control-Request-Headers` has an element that is not a token.
  CORSGUARD_REASON_HEADERS_MALFORMED = 9,
  /// `Access-Control-Request-Headers` is longer than the policy's byte cap.
  CORSGUARD_REASON_HEADERS_TOO_LONG = 10,
  /// `Access-Control-Request-Headers` has more names (or echoed lines) than the cap.
  CORSGUARD_REASON_HEADERS_TOO_MANY = 11,
  /// A requested header is not allowed by the policy.
  CORSGUARD_REASON_HEADER_NOT_ALLOWED = 12,
  /// `Authorization` was requested; `*` never covers it and the policy does not list it.
  CORSGUARD_REASON_AUTHORIZATION_NOT_ALLOWED = 13,
  /// `Access-Control-Request-Private-Network` is not exactly one `true`.
  CORSGUARD_REASON_PRIVATE_NETWORK_MALFORMED = 14,
  /// Private network access was requested and the policy does not allow it.
  CORSGUARD_REASON_PRIVATE_NETWORK_NOT_ALLOWED = 15,
} corsguard_reason;

/// Why bytes are not a serialized origin (`corsguard_decision_origin_error`, and the `origin_error` field
/// of `corsguard_policy_error`); 0 when there is no such error. Stable codes, never reused.
typedef enum corsguard_origin_error {
  /// No origin error.
  CORSGUARD_ORIGIN_ERROR_NONE = 0,
  /// The value is empty.
  CORSGUARD_ORIGIN_ERROR_EMPTY = 1,
  /// The value is longer than the cap.
  CORSGUARD_ORIGIN_ERROR_TOO_LONG = 2,
  /// A byte is not ASCII; internationalized hosts must be sent in punycode.
  CORSGUARD_ORIGIN_ERROR_NOT_ASCII = 3,
  /// A space or tab inside the value.
  CORSGUARD_ORIGIN_ERROR_WHITESPACE = 4,
  /// A control byte (C0 or DEL) inside the value.
  CORSGUARD_ORIGIN_ERROR_CONTROL = 5,
  /// The scheme is missing, empty, or has a byte outside `a-z 0-9 + - .`, or does not start with a letter.
  CORSGUARD_ORIGIN_ERROR_INVALID_SCHEME = 6,
  /// The scheme has an uppercase letter; serialized schemes are lowercase.
  CORSGUARD_ORIGIN_ERROR_UPPERCASE_SCHEME = 7,
  /// The `://` after the scheme is missing.
  CORSGUARD_ORIGIN_ERROR_MISSING_SEPARATOR = 8,
  /// A path, query or fragment follows the host (`/`, `?` or `#`).
  CORSGUARD_ORIGIN_ERROR_HAS_PATH = 9,
  /// Userinfo (`user@`) precedes the host.
  CORSGUARD_ORIGIN_ERROR_HAS_USERINFO = 10,
  /// The host is empty.
  CORSGUARD_ORIGIN_ERROR_EMPTY_HOST = 11,
  /// The host has a byte the URL Standard forbids in a domain.
  CORSGUARD_ORIGIN_ERROR_INVALID_HOST_BYTE = 12,
  /// The host has an uppercase letter; serialized hosts are lowercase.
  CORSGUARD_ORIGIN_ERROR_UPPERCASE_HOST = 13,
  /// The host ends in a number but is not a canonical dotted-decimal IPv4 address.
  CORSGUARD_ORIGIN_ERROR_INVALID_IPV4 = 14,
  /// The bracketed host is not an RFC 5952 canonical IPv6 address.
  CORSGUARD_ORIGIN_ERROR_INVALID_IPV6 = 15,
  /// A `:` with no port after it.
  CORSGUARD_ORIGIN_ERROR_EMPTY_PORT = 16,
  /// The port is not a number from 1 to 65535.
  CORSGUARD_ORIGIN_ERROR_INVALID_PORT = 17,
  /// The port has a leading zero.
  CORSGUARD_ORIGIN_ERROR_PORT_LEADING_ZERO = 18,
  /// The port is the scheme's default port, which a serialized origin never shows.
  CORSGUARD_ORIGIN_ERROR_DEFAULT_PORT = 19,
} corsguard_origin_error;

/// Why a policy was refused (the `kind` field of `corsguard_policy_error`). Stable codes, never reused.
typedef enum corsguard_policy_error_kind {
  /// No error.
  CORSGUARD_POLICY_ERROR_KIND_NONE = 0,
  /// The origin list is empty.
  CORSGUARD_POLICY_ERROR_KIND_NO_ORIGINS = 1,
  /// An origin is not a serialized origin; the error's `origin_error` says what is wrong.
  CORSGUARD_POLICY_ERROR_KIND_ORIGIN_MALFORMED = 2,
  /// `null` is listed.
  CORSGUARD_POLICY_ERROR_KIND_NULL_ORIGIN = 3,
  /// A `file:` origin is listed.
  CORSGUARD_POLICY_ERROR_KIND_FILE_ORIGIN = 4,
  /// The same origin or pattern is listed twice.
  CORSGUARD_POLICY_ERROR_KIND_DUPLICATE_ORIGIN = 5,
  /// `*` together with credentials.
  CORSGUARD_POLICY_ERROR_KIND_ANY_ORIGIN_WITH_CREDENTIALS = 6,
  /// `*` together with other origins.
  CORSGUARD_POLICY_ERROR_KIND_ANY_ORIGIN_MIXED = 7,
  /// A non-HTTPS, non-loopback origin together with credentials.
  CORSGUARD_POLICY_ERROR_KIND_INSECURE_ORIGIN_WITH_CREDENTIALS = 8,
  /// A `*.` wildcard over a public suffix or a single-label domain.
  CORSGUARD_POLICY_ERROR_KIND_WILDCARD_PUBLIC_SUFFIX = 9,
  /// A wildcard that is not a whole leftmost label (`*example.com`, `api-*.example.com`).
  CORSGUARD_POLICY_ERROR_KIND_WILDCARD_NOT_LABEL_AWARE = 10,
  /// A wildcard anywhere but the leftmost label or the port (`a.*.example.com`, `*://example.com`).
  CORSGUARD_POLICY_ERROR_KIND_WILDCARD_MISPLACED = 11,
  /// A `*.` wildcard over an IP address.
  CORSGUARD_POLICY_ERROR_KIND_WILDCARD_OVER_IP = 12,
  /// A port wildcard on a host that is not loopback.
  CORSGUARD_POLICY_ERROR_KIND_PORT_WILDCARD_NOT_LOOPBACK = 13,
  /// A method that is not an HTTP token, or too long.
  CORSGUARD_POLICY_ERROR_KIND_METHOD_INVALID = 14,
  /// CONNECT, TRACE or TRACK.
  CORSGUARD_POLICY_ERROR_KIND_METHOD_FORBIDDEN = 15,
  /// A non-uppercase spelling of a method browsers uppercase (`get`, `Delete`).
  CORSGUARD_POLICY_ERROR_KIND_METHOD_NOT_NORMALIZED = 16,
  /// The same method twice.
  CORSGUARD_POLICY_ERROR_KIND_DUPLICATE_METHOD = 17,
  /// `*` inside a list instead of the `Any` setting.
  CORSGUARD_POLICY_ERROR_KIND_WILDCARD_IN_LIST = 18,
  /// A header name that is not an HTTP token, or too long.
  CORSGUARD_POLICY_ERROR_KIND_HEADER_INVALID = 19,
  /// A header name browsers never send (request) or never expose (response), such as `Cookie`.
  CORSGUARD_POLICY_ERROR_KIND_HEADER_FORBIDDEN = 20,
  /// The same header name twice (case-insensitively).
  CORSGUARD_POLICY_ERROR_KIND_DUPLICATE_HEADER = 21,
  /// Expose any header (`*`) together with credentials.
  CORSGUARD_POLICY_ERROR_KIND_EXPOSE_ANY_WITH_CREDENTIALS = 22,
  /// Max-age above 86400.
  CORSGUARD_POLICY_ERROR_KIND_MAX_AGE_OUT_OF_RANGE = 23,
  /// A preflight status outside its allowed range.
  CORSGUARD_POLICY_ERROR_KIND_STATUS_OUT_OF_RANGE = 24,
  /// A request cap outside its allowed range.
  CORSGUARD_POLICY_ERROR_KIND_CAP_OUT_OF_RANGE = 25,
  /// A list whose joined value is longer than its capacity.
  CORSGUARD_POLICY_ERROR_KIND_LIST_TOO_LONG = 26,
  /// More entries than a list can hold.
  CORSGUARD_POLICY_ERROR_KIND_TOO_MANY_ENTRIES = 27,
  /// The memory a policy is built into is smaller than its origin list needs (never from
  /// `corsguard_policy_init`, which checks the memory's size first: `CORSGUARD_RESULT_BUFFER_TOO_SMALL`).
  CORSGUARD_POLICY_ERROR_KIND_STORAGE_TOO_SMALL = 28,
  /// An origin longer than the `max_origin_len` cap, so it could never match.
  CORSGUARD_POLICY_ERROR_KIND_ORIGIN_LONGER_THAN_CAP = 29,
} corsguard_policy_error_kind;

/// The setting a policy error is about (the `setting` field of `corsguard_policy_error`). Stable codes,
/// never reused.
typedef enum corsguard_setting {
  /// No setting.
  CORSGUARD_SETTING_NONE = 0,
  /// The origins (`origins` in `corsguard_config`).
  CORSGUARD_SETTING_ORIGINS = 1,
  /// Credentials (`credentials`).
  CORSGUARD_SETTING_CREDENTIALS = 2,
  /// The methods (`methods_mode`, `methods`).
  CORSGUARD_SETTING_METHODS = 3,
  /// The request headers (`request_headers_mode`, `request_headers`).
  CORSGUARD_SETTING_REQUEST_HEADERS = 4,
  /// The exposed headers (`exposed_headers_mode`, `exposed_headers`).
  CORSGUARD_SETTING_EXPOSED_HEADERS = 5,
  /// Max-age (`max_age`).
  CORSGUARD_SETTING_MAX_AGE = 6,
  /// The allowed-preflight status (`preflight_success_status`).
  CORSGUARD_SETTING_PREFLIGHT_SUCCESS_STATUS = 7,
  /// The denied-preflight status (`preflight_failure_status`).
  CORSGUARD_SETTING_PREFLIGHT_FAILURE_STATUS = 8,
  /// The `max_origin_len` cap.
  CORSGUARD_SETTING_MAX_ORIGIN_LEN = 9,
  /// The `max_request_headers_len` cap.
  CORSGUARD_SETTING_MAX_REQUEST_HEADERS_LEN = 10,
  /// The `max_request_headers_count` cap.
  CORSGUARD_SETTING_MAX_REQUEST_HEADERS_COUNT = 11,
  /// The memory the policy is built into.
  CORSGUARD_SETTING_STORAGE = 12,
} corsguard_setting;

/// What is wrong with the text of a policy file (the `syntax` field of `corsguard_policy_file_error`); 0 when
/// the error is not a syntax error. Stable codes, never reused.
typedef enum corsguard_syntax_error {
  /// Not a syntax error.
  CORSGUARD_SYNTAX_ERROR_NONE = 0,
  /// A byte that is not printable ASCII: 0x80 or more, NUL, DEL, a CR that is not part of a CRLF line end,
  /// or a control byte other than TAB.
  CORSGUARD_SYNTAX_ERROR_INVALID_BYTE = 1,
  /// A line that is not blank, not a comment and has no `=`.
  CORSGUARD_SYNTAX_ERROR_MISSING_EQUALS = 2,
  /// Nothing but blanks before the `=`.
  CORSGUARD_SYNTAX_ERROR_EMPTY_KEY = 3,
  /// A key corsguard does not know (keys are lowercase and exact).
  CORSGUARD_SYNTAX_ERROR_UNKNOWN_KEY = 4,
  /// A single-valued key set a second time (the error points at the second line).
  CORSGUARD_SYNTAX_ERROR_REPEATED_KEY = 5,
  /// Nothing but blanks after the `=`.
  CORSGUARD_SYNTAX_ERROR_EMPTY_VALUE = 6,
  /// An empty element in a comma-separated list.
  CORSGUARD_SYNTAX_ERROR_EMPTY_LIST_ELEMENT = 7,
  /// A boolean other than `true` or `false`.
  CORSGUARD_SYNTAX_ERROR_BAD_BOOLEAN = 8,
  /// A number that is not decimal digits alone or does not fit in 32 bits.
  CORSGUARD_SYNTAX_ERROR_BAD_NUMBER = 9,
  /// `*` together with names in a list that takes `*` alone.
  CORSGUARD_SYNTAX_ERROR_WILDCARD_MIXED = 10,
} corsguard_syntax_error;

/// A validated, immutable policy, ready for `corsguard_decide`. Opaque: it lives inside the memory given to
/// `corsguard_policy_init` (or the builder's allocation) and is only ever handled through a pointer.
///
/// It must not be moved or copied (a copy is refused with `CORSGUARD_RESULT_INVALID_POLICY`): to change
/// where it lives, initialise it again there.
///
/// Thread safety: immutable, so any number of threads may call `corsguard_decide` on one policy at the
/// same time, with no locking.
typedef struct corsguard_policy corsguard_policy;

/// Collects the settings of a policy. Create it with `corsguard_policy_builder_new`, change settings (each
/// setter replaces that setting; origins accumulate), then `corsguard_policy_builder_build` as often as
/// needed, and finally `corsguard_policy_builder_free`.
///
/// Every setting starts at its secure default: no origins, no credentials, methods GET HEAD POST, no
/// request headers, no exposed headers, no max-age, statuses 204/403, private network off, insecure origins
/// with credentials refused, caps 512 / 2048 / 64. Setters only copy their input: every rule is checked by
/// `corsguard_policy_builder_build`, which reports the first broken one.
///
/// Thread safety: a builder may move between threads but must not be used by two threads at once.
typedef struct corsguard_policy_builder corsguard_policy_builder;

/// The outcome of a corsguard call: one of the `CORSGUARD_RESULT_*` values. `CORSGUARD_RESULT_OK` is 0, so
/// `if (result)` tests for failure. A 32-bit number, not an enum, so that its size never depends on the
/// compiler and a value added later passes through unchanged. Values are never reused;
/// `corsguard_result_str` describes each one.
typedef uint32_t corsguard_result;

/// A borrowed run of bytes: `len` bytes starting at `ptr`. The bytes may be anything (not UTF-8, NUL
/// included) and need no terminator.
///
/// `ptr` may be NULL only when `len` is 0. `len` may not exceed `PTRDIFF_MAX`. A slice passed to corsguard
/// is only read, and only during the call (except where a function says it keeps a borrow).
typedef struct corsguard_slice {
  /// The first byte; NULL allowed only when `len` is 0.
  const uint8_t *ptr;
  /// The number of bytes.
  size_t len;
} corsguard_slice;

/// Why a policy was refused: the rule, the setting, the entry, and text to log.
///
/// Every field is written together, and only when the call returns `CORSGUARD_RESULT_POLICY_INVALID`.
typedef struct corsguard_policy_error {
  /// The rule that was broken: a `corsguard_policy_error_kind`.
  uint32_t kind;
  /// The setting that breaks it: a `corsguard_setting`.
  uint32_t setting;
  /// The position of the offending entry in its list (the array in the config, or the order
  /// `corsguard_policy_builder_add_origin` was called in), or `CORSGUARD_NO_INDEX` when the error is
  /// about the setting as a whole.
  size_t index;
  /// For `CORSGUARD_POLICY_ERROR_KIND_ORIGIN_MALFORMED`, what exactly is malformed: a
  /// `corsguard_origin_error`; otherwise 0.
  uint32_t origin_error;
  /// What is wrong and what to change (`corsguard_policy_error_kind_str(kind)`): static, NUL-terminated,
  /// never NULL; do not free it.
  const char *message;
  /// The setting's name (`corsguard_setting_str(setting)`), e.g. `"origins"`: static, NUL-terminated,
  /// never NULL; do not free it.
  const char *setting_name;
} corsguard_policy_error;

/// The CORS-relevant parts of one HTTP request, as the byte slices the caller's HTTP parser produced: the
/// bytes are read during `corsguard_decide`, and header values in the decision may point into them (see
/// `corsguard_decision`). Bytes need not be UTF-8 or NUL-terminated. The struct itself and its array of lines
/// are only read during the call.
///
/// `Origin`, `Access-Control-Request-Method` and `Access-Control-Request-Private-Network` are each given as
/// their first line and how many lines the header arrived on (0: absent), since a second line already makes
/// the request malformed whatever it holds. `Access-Control-Request-Headers` is given as every line, in
/// order: an array of `count` slices (at most `CORSGUARD_MAX_HEADER_LINES`), NULL allowed when `count` is 0;
/// the array need not be aligned. Values may keep their surrounding spaces and tabs; corsguard trims them.
typedef struct corsguard_request {
  /// The request method, compared byte for byte with `OPTIONS`.
  struct corsguard_slice method;
  /// The first `Origin` line (not read when `origin_count` is 0).
  struct corsguard_slice origin;
  /// How many `Origin` lines the request has (0: not a CORS request; more than 1: denied as malformed).
  size_t origin_count;
  /// The first `Access-Control-Request-Method` line (not read when its count is 0).
  struct corsguard_slice request_method;
  /// How many `Access-Control-Request-Method` lines the request has.
  size_t request_method_count;
  /// The first `Access-Control-Request-Private-Network` line (not read when its count is 0).
  struct corsguard_slice request_private_network;
  /// How many `Access-Control-Request-Private-Network` lines the request has.
  size_t request_private_network_count;
  /// Every `Access-Control-Request-Headers` line.
  const struct corsguard_slice *request_headers;
  /// The number of `Access-Control-Request-Headers` lines.
  size_t request_headers_count;
} corsguard_request;

/// The outcome of `corsguard_decide`, written in place into memory the caller provides (usually the
/// stack): opaque, read it only through the `corsguard_decision_*` accessors.
///
/// It points into the policy, the request's bytes and itself, so it stays valid while the policy is
/// valid, those bytes are neither freed nor changed, and the decision itself is not moved: read it where
/// `corsguard_decide` wrote it, and never copy it (a copy reads as no decision). Copy header values out
/// (`corsguard_decision_headers`, `corsguard_decision_write_headers`) to keep them longer. It owns nothing
/// and needs no freeing.
typedef struct corsguard_decision {
  /// Not to be read or written: its layout is private and changes between versions.
  uint64_t opaque[CORSGUARD_DECISION_WORDS];
} corsguard_decision;

/// One response header to add.
typedef struct corsguard_header {
  /// The name, e.g. `Access-Control-Allow-Origin`: static, and also NUL-terminated one byte past `len`.
  struct corsguard_slice name;
  /// The value: visible ASCII, spaces and tabs only (never CR, LF or NUL), not NUL-terminated. It points
  /// into the policy, into the request's bytes (an allowed origin is reflected byte for byte), into the
  /// decision, or into static memory.
  struct corsguard_slice value;
} corsguard_header;

/// What a policy allows, as plain data: build it with `corsguard_policy_size` and `corsguard_policy_init`.
///
/// Zero-initialise it (`corsguard_config config = {0};`, or designated initialisers, or a `static const`):
/// every field at zero is the secure default, so a config written for this version keeps its meaning when
/// later versions append fields (they only ever append, and zero always means the earlier behaviour).
///
/// Lists are arrays of `corsguard_slice` with a count; NULL is allowed when the count is 0. Entries are
/// byte strings; bytes that are not UTF-8 are refused like any other non-ASCII byte. The arrays and strings
/// are only read during the calls they are passed to: the policy keeps copies of what it needs.
typedef struct corsguard_config {
  /// Allowed origins: exact origins (`https://app.example.com`), subdomain patterns
  /// (`https://*.example.com`), loopback port patterns (`http://localhost:*`), or `*` alone.
  const struct corsguard_slice *origins;
  /// The number of origins. At least one is required.
  size_t origin_count;
  /// Allow credentialed requests (`Access-Control-Allow-Credentials: true`). Default false.
  bool credentials;
  /// `CORSGUARD_MODE_DEFAULT` (GET, HEAD, POST), `_LIST` (`methods`) or `_ANY`.
  uint32_t methods_mode;
  /// The methods, for `CORSGUARD_MODE_LIST` (case-sensitive; the six browsers normalize are uppercase).
  const struct corsguard_slice *methods;
  /// The number of methods.
  size_t method_count;
  /// `CORSGUARD_MODE_DEFAULT` (none), `_LIST` (`request_headers`), `_ANY` or `_ANY_WITH_AUTHORIZATION`.
  uint32_t request_headers_mode;
  /// The request headers a preflight may ask for, for `CORSGUARD_MODE_LIST` (case-insensitive).
  const struct corsguard_slice *request_headers;
  /// The number of request headers.
  size_t request_header_count;
  /// `CORSGUARD_MODE_DEFAULT` (none), `_LIST` (`exposed_headers`) or `_ANY`.
  uint32_t exposed_headers_mode;
  /// The response headers exposed to the page, for `CORSGUARD_MODE_LIST`.
  const struct corsguard_slice *exposed_headers;
  /// The number of exposed headers.
  size_t exposed_header_count;
  /// Send `Access-Control-Max-Age: max_age` on allowed preflights. Default false (browsers then cache
  /// a preflight for 5 seconds).
  bool has_max_age;
  /// Seconds, 0 to 86400; read only when `has_max_age` is true.
  uint32_t max_age;
  /// Status of an allowed preflight, 200 to 299; 0 means 204.
  uint16_t preflight_success_status;
  /// Status of a denied preflight, 200 to 299 or 400 to 599; 0 means 403.
  uint16_t preflight_failure_status;
  /// Answer `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network:
  /// true`. Default false.
  bool private_network;
  /// Tolerate non-HTTPS origins other than loopback ones together with credentials. Default false.
  bool allow_insecure_origins_with_credentials;
  /// The longest `Origin` value considered, 1 to 4096; 0 means 512.
  size_t max_origin_len;
  /// The most bytes of `Access-Control-Request-Headers` over all its lines, 1 to 65536; 0 means 2048.
  size_t max_request_headers_len;
  /// The most names in `Access-Control-Request-Headers`, 1 to 1024; 0 means 64.
  size_t max_request_headers_count;
} corsguard_config;

/// Why a policy file was refused: where (line and byte column, both from 1), and either the syntax error or
/// the policy error the same settings give through `corsguard_policy_init`.
///
/// Every field is written together, and only when a call returns `CORSGUARD_RESULT_POLICY_FILE_SYNTAX` or
/// `CORSGUARD_RESULT_POLICY_INVALID`.
typedef struct corsguard_policy_file_error {
  /// The line, from 1; 0 when the error is not about one line (no `origins` at all, or the memory).
  uint32_t line;
  /// The byte column in that line, from 1 (it may be one past the line's end, where a value was
  /// expected); 0 when `line` is 0.
  uint32_t column;
  /// A `corsguard_syntax_error`; 0 when the error is a policy error.
  uint32_t syntax;
  /// The policy error, when the text parsed but the policy was refused (`kind` 0 otherwise, `index`
  /// `CORSGUARD_NO_INDEX`). Its `index` counts the elements of that key over all its lines.
  struct corsguard_policy_error policy;
  /// What is wrong and what to change (the syntax error's or the policy error's text): static,
  /// NUL-terminated, never NULL; do not free it.
  const char *message;
} corsguard_policy_file_error;

/// Success: the output parameters were written.
#define CORSGUARD_RESULT_OK 0

/// A pointer that must not be NULL was NULL. Nothing was written.
#define CORSGUARD_RESULT_NULL_ARGUMENT 1

/// A (pointer, length) pair is invalid: NULL or misaligned with a non-zero length, a length above
/// `PTRDIFF_MAX`, or lengths that add up past what memory can hold. Nothing was written.
#define CORSGUARD_RESULT_INVALID_SLICE 2

/// `Access-Control-Request-Headers` was given on more than `CORSGUARD_MAX_HEADER_LINES` lines. Nothing was
/// written; answer such a request with 400 Bad Request.
#define CORSGUARD_RESULT_TOO_MANY_LINES 3

/// The policy was refused; the `corsguard_policy_error` says which setting, entry and rule.
#define CORSGUARD_RESULT_POLICY_INVALID 4

/// The caller's buffer or memory is too small; where the function says so, the size needed was written.
#define CORSGUARD_RESULT_BUFFER_TOO_SMALL 5

/// A `corsguard_decision` passed in is not one `corsguard_decide` wrote at that address (never written, a
/// failed call, or a copy). Nothing was written.
#define CORSGUARD_RESULT_INVALID_DECISION 6

/// corsguard panicked (a bug: please report it). The standard build catches the panic: nothing was written,
/// and the objects passed in are unchanged and may still be used and freed. A build without the standard
/// library has no panic boundary and stops instead of returning this.
#define CORSGUARD_RESULT_PANIC 7

/// A struct pointer is not aligned as its type needs (as a C compiler places that type), or a policy
/// pointer is not aligned as a policy is. Nothing was written.
#define CORSGUARD_RESULT_MISALIGNED 8

/// A policy pointer that `corsguard_policy_init` (or the builder) did not initialise at that address: never
/// initialised, a failed init, overwritten, or copied elsewhere. Nothing was written.
#define CORSGUARD_RESULT_INVALID_POLICY 9

/// An argument is outside what this library knows: a `*_mode` of a `corsguard_config` that is not one of
/// the `CORSGUARD_LIST_*` values, or a header index at or past the decision's header count. Nothing was
/// written.
#define CORSGUARD_RESULT_OUT_OF_RANGE 10

/// A policy file's text is not a policy file; the `corsguard_policy_file_error` says where (line and
/// column) and which `corsguard_syntax_error`. (A policy file that parses but describes a refused policy
/// gives `CORSGUARD_RESULT_POLICY_INVALID` instead.)
#define CORSGUARD_RESULT_POLICY_FILE_SYNTAX 11

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/// The library's version as a static NUL-terminated string such as `"0.1.0"`: compare it with the
/// `CORSGUARD_VERSION_*` macros to detect a header and library from different releases.
///
/// Never NULL. The string is static: do not free it.
const char *corsguard_version(void);

/// Creates a policy builder with every setting at its secure default and writes it to `*builder_out`.
///
/// The caller owns the builder and must eventually call `corsguard_policy_builder_free`.
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` when `builder_out` is NULL (nothing is written then).
corsguard_result corsguard_policy_builder_new(struct corsguard_policy_builder **builder_out);

/// Frees a builder. NULL is allowed and does nothing. Policies built from it stay valid.
///
/// The builder must come from `corsguard_policy_builder_new` and must not be used or freed again.
void corsguard_policy_builder_free(struct corsguard_policy_builder *builder);

/// Appends one allowed origin: an exact serialized origin (`https://app.example.com`), a subdomain pattern
/// (`https://*.example.com`), a loopback port pattern (`http://localhost:*`), or `*` alone for a public
/// resource. `len` bytes at `origin` are copied; the caller keeps ownership of its buffer.
///
/// The origin is checked when the policy is built; its index in the error is the number of origins added
/// before it. Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL builder) or `CORSGUARD_RESULT_INVALID_SLICE`
/// (NULL `origin` with a non-zero `len`, or `len` above `PTRDIFF_MAX`), leaving the builder unchanged.
corsguard_result corsguard_policy_builder_add_origin(struct corsguard_policy_builder *builder,
                                                     const uint8_t *origin,
                                                     size_t len);

/// Allows credentialed requests (`Access-Control-Allow-Credentials: true`) when `credentials` is true.
/// Default: false. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT` for a NULL builder.
corsguard_result corsguard_policy_builder_set_credentials(struct corsguard_policy_builder *builder,
                                                          bool credentials);

/// Sets the methods a preflight may ask for to exactly these `count` methods (case-sensitive; the six that
/// browsers normalize must be uppercase), replacing the previous methods setting. `count` 0 allows no method
/// (`methods` may then be NULL). Every byte string is copied. Default: GET, HEAD, POST.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL builder) or `CORSGUARD_RESULT_INVALID_SLICE` (a NULL
/// or misaligned array with a non-zero count, or an invalid slice in it), leaving the builder unchanged.
corsguard_result corsguard_policy_builder_set_methods(struct corsguard_policy_builder *builder,
                                                      const struct corsguard_slice *methods,
                                                      size_t count);

/// Allows any method except the forbidden CONNECT, TRACE and TRACK, replacing the previous methods
/// setting. Answered with `*`, or under credentials with the requested method echoed.
/// Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT` for a NULL builder.
corsguard_result corsguard_policy_builder_set_methods_any(struct corsguard_policy_builder *builder);

/// Sets the request headers a preflight may ask for to exactly these `count` names (compared
/// case-insensitively), replacing the previous request-headers setting. `count` 0 allows none (`names` may
/// then be NULL). Every byte string is copied. Default: none.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` or `CORSGUARD_RESULT_INVALID_SLICE` as
/// `corsguard_policy_builder_set_methods` does, leaving the builder unchanged.
corsguard_result corsguard_policy_builder_set_request_headers(struct corsguard_policy_builder *builder,
                                                              const struct corsguard_slice *names,
                                                              size_t count);

/// Allows any request header, replacing the previous request-headers setting. `Authorization` is allowed
/// too only when `include_authorization` is true, because `*` never covers it. Answered with `*`, or under
/// credentials with the requested names echoed. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
corsguard_result corsguard_policy_builder_set_request_headers_any(struct corsguard_policy_builder *builder,
                                                                  bool include_authorization);

/// Sets the response headers exposed to the page to exactly these `count` names, replacing the previous
/// exposed-headers setting. `count` 0 exposes none beyond the CORS-safelisted ones (`names` may then be
/// NULL). Every byte string is copied. Default: none.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` or `CORSGUARD_RESULT_INVALID_SLICE` as
/// `corsguard_policy_builder_set_methods` does, leaving the builder unchanged.
corsguard_result corsguard_policy_builder_set_exposed_headers(struct corsguard_policy_builder *builder,
                                                              const struct corsguard_slice *names,
                                                              size_t count);

/// Exposes every response header (`*`), replacing the previous exposed-headers setting. Not expressible
/// with credentials: such a policy is refused when built. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
corsguard_result corsguard_policy_builder_set_exposed_headers_any(struct corsguard_policy_builder *builder);

/// Sends `Access-Control-Max-Age: seconds` on allowed preflights; 0 to 86400, checked when built.
/// Default: not sent (browsers then cache a preflight for 5 seconds). Fails only with
/// `CORSGUARD_RESULT_NULL_ARGUMENT`.
corsguard_result corsguard_policy_builder_set_max_age(struct corsguard_policy_builder *builder,
                                                      uint32_t seconds);

/// Stops sending `Access-Control-Max-Age` (the default). Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
corsguard_result corsguard_policy_builder_clear_max_age(struct corsguard_policy_builder *builder);

/// Sets the statuses of preflight answers: `success` for allowed ones (200 to 299, default 204), `failure`
/// for denied ones (200 to 299 or 400 to 599, default 403). Checked when built. Fails only with
/// `CORSGUARD_RESULT_NULL_ARGUMENT`.
corsguard_result corsguard_policy_builder_set_preflight_statuses(struct corsguard_policy_builder *builder,
                                                                 uint32_t success,
                                                                 uint32_t failure);

/// Answers `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network: true`
/// when `allow` is true. Default: false. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
corsguard_result corsguard_policy_builder_set_private_network(struct corsguard_policy_builder *builder,
                                                              bool allow);

/// Tolerates non-HTTPS origins other than loopback ones together with credentials when `allow` is true.
/// Default: false, because any network attacker could then read credentialed responses. Fails only with
/// `CORSGUARD_RESULT_NULL_ARGUMENT`.
corsguard_result corsguard_policy_builder_set_allow_insecure_origins_with_credentials(struct corsguard_policy_builder *builder,
                                                                                      bool allow);

/// Sets the request caps: the longest `Origin` value considered (1 to 4096, default 512), the most bytes of
/// `Access-Control-Request-Headers` over all its lines (1 to 65536, default 2048), and the most names in it
/// (1 to 1024, default 64). Checked when built. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
corsguard_result corsguard_policy_builder_set_caps(struct corsguard_policy_builder *builder,
                                                   size_t max_origin_len,
                                                   size_t max_request_headers_len,
                                                   size_t max_request_headers_count);

/// Validates the builder's settings and builds a policy from them, exactly as `corsguard_policy_init` would
/// from the same `corsguard_config`, into memory the library allocates. The builder is not changed: it may
/// be built again, changed, or freed, and the policy does not depend on it.
///
/// On success returns `CORSGUARD_RESULT_OK` and writes a new policy to `*policy_out`; the caller owns it and
/// must eventually call `corsguard_policy_free`. When a rule is broken returns
/// `CORSGUARD_RESULT_POLICY_INVALID` and, if `error_out` is not NULL, writes the first broken rule to
/// `*error_out`; `*policy_out` is not written. `error_out` may be NULL; `builder` and `policy_out` may not
/// (`CORSGUARD_RESULT_NULL_ARGUMENT`, nothing written). Pointers must be aligned
/// (`CORSGUARD_RESULT_MISALIGNED`). Not in builds without the standard library.
corsguard_result corsguard_policy_builder_build(const struct corsguard_policy_builder *builder,
                                                struct corsguard_policy **policy_out,
                                                struct corsguard_policy_error *error_out);

/// Frees a policy from `corsguard_policy_builder_build`. NULL is allowed and does nothing, and so does a
/// policy `corsguard_policy_init` built into caller memory (the caller owns that memory), or a pointer that
/// is not a policy. Not in builds without the standard library.
///
/// The policy must not be used or freed again. Every decision made with it becomes invalid: free it only
/// when no thread is deciding with it and no decision made with it is still read.
void corsguard_policy_free(struct corsguard_policy *policy);

/// Describes a `corsguard_result` in one line, e.g. for a log.
///
/// Takes any number: a code this library does not know gives `"unknown code"`. Never NULL; the string is
/// static and NUL-terminated: do not free it.
const char *corsguard_result_str(corsguard_result result);

/// Describes a `corsguard_reason` (why a request was denied) in one line, fit for a log.
///
/// 0 gives `"not denied"`, an unknown code `"unknown code"`. Never NULL; static and NUL-terminated: do not
/// free it.
const char *corsguard_reason_str(uint32_t reason);

/// Describes a `corsguard_origin_error` (what is wrong with an origin) in one line.
///
/// 0 gives `"no origin error"`, an unknown code `"unknown code"`. Never NULL; static and NUL-terminated:
/// do not free it.
const char *corsguard_origin_error_str(uint32_t origin_error);

/// Says what is wrong with a policy and what to change, for a `corsguard_policy_error_kind`, in one line.
///
/// 0 gives `"no policy error"`, an unknown code `"unknown code"`. Never NULL; static and NUL-terminated:
/// do not free it.
const char *corsguard_policy_error_kind_str(uint32_t kind);

/// The name of a `corsguard_setting` as the vectors and docs spell it (`"origins"`, `"max_age"`, ...).
///
/// 0 gives `"none"`, an unknown code `"unknown code"`. Never NULL; static and NUL-terminated: do not free it.
const char *corsguard_setting_str(uint32_t setting);

/// Says what is wrong with a policy file's text and what to change, for a `corsguard_syntax_error`, in one
/// line.
///
/// 0 gives `"no syntax error"`, an unknown code `"unknown code"`. Never NULL; static and NUL-terminated: do
/// not free it.
const char *corsguard_syntax_error_str(uint32_t syntax_error);

/// Decides one request against a policy and writes the decision in place to `*decision_out`.
///
/// `policy` must be a policy from `corsguard_policy_init` or `corsguard_policy_builder_build`
/// (`CORSGUARD_RESULT_INVALID_POLICY` otherwise, as far as that can be told); `policy`, `request` and
/// `decision_out` must not be NULL (`CORSGUARD_RESULT_NULL_ARGUMENT`) and must be aligned
/// (`CORSGUARD_RESULT_MISALIGNED`). Every slice read is checked (`CORSGUARD_RESULT_INVALID_SLICE`), and
/// `Access-Control-Request-Headers` may have at most `CORSGUARD_MAX_HEADER_LINES` lines
/// (`CORSGUARD_RESULT_TOO_MANY_LINES`, answer 400). On any error nothing is written. Any bytes are a valid
/// request: malformed headers give a denied decision, not an error.
///
/// The decision points into the policy, the request's bytes and itself: see `corsguard_decision`. The
/// request, its line arrays and its bytes must not overlap `*decision_out`. No memory is allocated; the cost
/// is linear in the request's size and bounded by the policy's caps.
///
/// Thread safety: any number of threads may decide with one policy at the same time, each into its own
/// decision.
corsguard_result corsguard_decide(const struct corsguard_policy *policy,
                                  const struct corsguard_request *request,
                                  struct corsguard_decision *decision_out);

/// What kind of request was decided: a `corsguard_kind`. NULL, or memory that holds no decision, gives
/// `CORSGUARD_KIND_NOT_CORS`.
uint32_t corsguard_decision_kind(const struct corsguard_decision *decision);

/// Whether the request is allowed: a `corsguard_verdict`. NULL, or memory that holds no decision, gives
/// `CORSGUARD_VERDICT_DENIED`.
uint32_t corsguard_decision_verdict(const struct corsguard_decision *decision);

/// Why the request was denied: a `corsguard_reason`, 0 when it was allowed. NULL, or memory that holds no
/// decision, gives 0.
uint32_t corsguard_decision_reason(const struct corsguard_decision *decision);

/// For `CORSGUARD_REASON_ORIGIN_MALFORMED`, what is wrong with the `Origin`: a `corsguard_origin_error`;
/// otherwise 0. NULL, or memory that holds no decision, gives 0.
uint32_t corsguard_decision_origin_error(const struct corsguard_decision *decision);

/// The status to answer a preflight with (2xx when allowed, the policy's failure status when denied); 0
/// for other requests, whose status the application chooses. NULL, or memory that holds no decision,
/// gives 0.
uint16_t corsguard_decision_status(const struct corsguard_decision *decision);

/// Whether the host must answer now, with the status, the headers and an empty body, instead of passing
/// the request to the application: true exactly for preflights. NULL, or memory that holds no decision,
/// gives false.
bool corsguard_decision_answer_now(const struct corsguard_decision *decision);

/// How many headers to add to the response, at most `CORSGUARD_MAX_HEADERS`. NULL, or memory that holds
/// no decision, gives 0.
size_t corsguard_decision_header_count(const struct corsguard_decision *decision);

/// Copies every header of a decision, in emission order (ACAO, ACAC, ACAM, ACAH (one or more), ACMA,
/// ACAPN, ACEH, Vary), into `out`, an array of `capacity` entries, and writes their number to
/// `*count_out`. Add them to the response; append to the host's own `Vary`, never replace it.
///
/// The values still point where the decision's do (see `corsguard_header`). Fails with
/// `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `decision` or `count_out`), `CORSGUARD_RESULT_INVALID_DECISION`
/// (memory that holds no decision), `CORSGUARD_RESULT_MISALIGNED` (`out` or `count_out` not aligned),
/// `CORSGUARD_RESULT_INVALID_SLICE` (NULL `out` with a non-zero `capacity`), or
/// `CORSGUARD_RESULT_BUFFER_TOO_SMALL`, which writes the number needed to `*count_out` and leaves `out`
/// untouched (`CORSGUARD_MAX_HEADERS` entries always suffice).
corsguard_result corsguard_decision_headers(const struct corsguard_decision *decision,
                                            struct corsguard_header *out,
                                            size_t capacity,
                                            size_t *count_out);

/// Copies header number `index` (from 0, in the order of `corsguard_decision_headers`) to `*out`.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `decision` or `out`),
/// `CORSGUARD_RESULT_INVALID_DECISION` (memory that holds no decision), `CORSGUARD_RESULT_MISALIGNED` (`out`
/// not aligned) or `CORSGUARD_RESULT_OUT_OF_RANGE` (`index` at or past `corsguard_decision_header_count`);
/// nothing is written then.
corsguard_result corsguard_decision_header(const struct corsguard_decision *decision,
                                           size_t index,
                                           struct corsguard_header *out);

/// Renders a decision's headers as `Name: value\r\n` lines, in order, into `buf` (not NUL-terminated).
///
/// `buf` must not overlap the decision, nor the request's bytes its values point into. On success returns `CORSGUARD_RESULT_OK` and writes the number of bytes written to
/// `*written_out`.
/// When `len` is too small returns `CORSGUARD_RESULT_BUFFER_TOO_SMALL`, writes the number of bytes needed
/// to `*written_out` and leaves `buf` untouched: call with `buf` NULL and `len` 0 to learn the size first.
///
/// Other failures, which write nothing: `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `decision` or
/// `written_out`), `CORSGUARD_RESULT_MISALIGNED` (`written_out` not aligned),
/// `CORSGUARD_RESULT_INVALID_SLICE` (NULL `buf` with a non-zero `len`), `CORSGUARD_RESULT_INVALID_DECISION`
/// (memory that holds no decision).
corsguard_result corsguard_decision_write_headers(const struct corsguard_decision *decision,
                                                  uint8_t *buf,
                                                  size_t len,
                                                  size_t *written_out);

/// Says how many bytes of memory `corsguard_policy_init` needs for this config, and writes it to
/// `*size_out`. The size includes room to align any address and the scratch space used while building,
/// so memory of this size at any address works.
///
/// Checks the arguments, not the policy: `corsguard_policy_init` reports a refused policy. Fails with
/// `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `config` or `size_out`), `CORSGUARD_RESULT_MISALIGNED` (`config`
/// or `size_out` not aligned), `CORSGUARD_RESULT_INVALID_SLICE` (an invalid array or string in the config)
/// or `CORSGUARD_RESULT_OUT_OF_RANGE` (an unknown mode); nothing is written then.
corsguard_result corsguard_policy_size(const struct corsguard_config *config, size_t *size_out);

/// Validates `config` and builds the policy into the `len` bytes at `mem`, which the caller owns: nothing
/// is allocated, and there is nothing to free. Get the size with `corsguard_policy_size`; `mem` may have
/// any alignment.
///
/// On success returns `CORSGUARD_RESULT_OK` and writes to `*policy_out` a pointer into `mem`. The policy
/// is valid while `mem` is neither freed nor written (by anything but another `corsguard_policy_init`
/// into it, once no thread uses the policy any more). It must not be moved or copied. The config, its
/// arrays and its strings may be freed right after the call; they must not overlap `mem`.
///
/// When a rule is broken returns `CORSGUARD_RESULT_POLICY_INVALID` and, if `error_out` is not NULL,
/// writes the first broken rule to `*error_out`. Other failures: `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL
/// `config`, `mem` or `policy_out`), `CORSGUARD_RESULT_MISALIGNED` (`config`, `policy_out` or `error_out`
/// not aligned), `CORSGUARD_RESULT_INVALID_SLICE` (an invalid array or string in the config),
/// `CORSGUARD_RESULT_OUT_OF_RANGE` (an unknown mode), `CORSGUARD_RESULT_BUFFER_TOO_SMALL` (`len` is less
/// than the policy needs at this address). `*policy_out` is written only on success; on
/// `CORSGUARD_RESULT_POLICY_INVALID` the contents of `mem` are unspecified (and are not a policy).
corsguard_result corsguard_policy_init(const struct corsguard_config *config,
                                       void *mem,
                                       size_t len,
                                       const struct corsguard_policy **policy_out,
                                       struct corsguard_policy_error *error_out);

/// Says how many bytes of memory `corsguard_policy_file_init` needs for the policy file of `text_len` bytes
/// at `text`, and writes it to `*size_out`. As with `corsguard_policy_size`, memory of this size at any
/// address works.
///
/// Parses the text but does not validate the policy (`corsguard_policy_file_init` does): a text that is not
/// a policy file returns `CORSGUARD_RESULT_POLICY_FILE_SYNTAX` and, if `error_out` is not NULL, writes where
/// and why to `*error_out`. Other failures: `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `size_out`),
/// `CORSGUARD_RESULT_MISALIGNED` (`size_out` or `error_out` not aligned), `CORSGUARD_RESULT_INVALID_SLICE`
/// (NULL `text` with a non-zero `text_len`, or a size past what memory can hold). `*size_out` is written
/// only on success.
corsguard_result corsguard_policy_file_size(const uint8_t *text,
                                            size_t text_len,
                                            size_t *size_out,
                                            struct corsguard_policy_file_error *error_out);

/// Parses the policy file of `text_len` bytes at `text`, validates its policy exactly as
/// `corsguard_policy_init` validates a `corsguard_config`, and builds it into the `len` bytes at `mem`, which
/// the caller owns: nothing is allocated and there is nothing to free. Get the size with
/// `corsguard_policy_file_size`; `mem` may have any alignment.
///
/// On success returns `CORSGUARD_RESULT_OK` and writes to `*policy_out` a pointer into `mem`, valid as for
/// `corsguard_policy_init`. The policy keeps nothing of the text: it may be freed or changed right after the
/// call. The text must not overlap `mem`.
///
/// A text that is not a policy file returns `CORSGUARD_RESULT_POLICY_FILE_SYNTAX`, a refused policy
/// `CORSGUARD_RESULT_POLICY_INVALID`; either way, if `error_out` is not NULL, `*error_out` says where and
/// why. Other failures: `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL `mem` or `policy_out`),
/// `CORSGUARD_RESULT_MISALIGNED` (`policy_out` or `error_out` not aligned), `CORSGUARD_RESULT_INVALID_SLICE`
/// (NULL `text` with a non-zero `text_len`), `CORSGUARD_RESULT_BUFFER_TOO_SMALL` (`len` is less than the
/// policy needs at this address). `*policy_out` is written only on success; after a refused policy the
/// contents of `mem` are unspecified (and are not a policy).
corsguard_result corsguard_policy_file_init(const uint8_t *text,
                                            size_t text_len,
                                            void *mem,
                                            size_t len,
                                            const struct corsguard_policy **policy_out,
                                            struct corsguard_policy_file_error *error_out);

/// Parses and validates the policy file of `text_len` bytes at `text`, as `corsguard_policy_file_init`
/// does, into memory the library allocates. The policy keeps nothing of the text.
///
/// On success returns `CORSGUARD_RESULT_OK` and writes a new policy to `*policy_out`; the caller owns it and
/// must eventually call `corsguard_policy_free`. Refusals and other failures as for
/// `corsguard_policy_file_init` (without `mem`). Not in builds without the standard library.
corsguard_result corsguard_policy_file_build(const uint8_t *text,
                                             size_t text_len,
                                             struct corsguard_policy **policy_out,
                                             struct corsguard_policy_file_error *error_out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* CORSGUARD_H */
