/*
 * corsguard: CORS decisions for C. One validated policy, one call per request, borrowed header values.
 *
 * Conventions: every function returns a corsguard_result (0 = CORSGUARD_RESULT_OK) unless it frees or
 * describes something; output parameters come last and are written only on success; every pointer is
 * checked for NULL; byte strings are (pointer, length) pairs and need not be UTF-8 or NUL-terminated.
 * A panic inside the library is caught and returned as CORSGUARD_RESULT_PANIC; nothing unwinds into C.
 * A built corsguard_policy is immutable: any number of threads may decide with it at once.
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

/// The major version of the corsguard C library these declarations belong to.
#define CORSGUARD_VERSION_MAJOR 0

/// The minor version of the corsguard C library these declarations belong to.
#define CORSGUARD_VERSION_MINOR 1

/// The patch version of the corsguard C library these declarations belong to.
#define CORSGUARD_VERSION_PATCH 0

/// The most headers one decision carries: the length of `corsguard_decision.headers`.
#define CORSGUARD_MAX_HEADERS 15

/// The most lines `corsguard_decide` accepts for any one request header (Origin, ACRM, ACRH, ACRPN); a
/// request with more gets `CORSGUARD_RESULT_TOO_MANY_LINES`.
#define CORSGUARD_MAX_HEADER_LINES 64

/// The outcome of a corsguard call. `CORSGUARD_RESULT_OK` is 0, so `if (result)` tests for failure.
/// Values are never reused; `corsguard_result_str` describes each one.
typedef enum corsguard_result {
  /// Success: the output parameters were written.
  CORSGUARD_RESULT_OK = 0,
  /// A pointer that must not be NULL was NULL. Nothing was written.
  CORSGUARD_RESULT_NULL_ARGUMENT = 1,
  /// A (pointer, length) pair is invalid: NULL or misaligned with a non-zero length, or a length above
  /// `PTRDIFF_MAX`. Nothing was written.
  CORSGUARD_RESULT_INVALID_SLICE = 2,
  /// A request header was given on more than `CORSGUARD_MAX_HEADER_LINES` lines. Nothing was written;
  /// answer such a request with 400 Bad Request.
  CORSGUARD_RESULT_TOO_MANY_LINES = 3,
  /// The policy was refused; the `corsguard_policy_error` says which setting, entry and rule.
  CORSGUARD_RESULT_POLICY_INVALID = 4,
  /// The caller's buffer is too small; the size needed was written instead.
  CORSGUARD_RESULT_BUFFER_TOO_SMALL = 5,
  /// A `corsguard_decision` passed in was not one `corsguard_decide` wrote (its header count is too large).
  CORSGUARD_RESULT_INVALID_DECISION = 6,
  /// corsguard panicked (a bug: please report it). The panic was caught; nothing was written, and the
  /// objects passed in are unchanged and may still be used and freed.
  CORSGUARD_RESULT_PANIC = 7,
} corsguard_result;

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
  /// Allowed (for `RequestKind::NotCors`: nothing to decide, the application answers as usual).
  CORSGUARD_VERDICT_ALLOWED = 0,
  /// Denied: no CORS headers are sent (only `Vary`); see the `DenyReason`.
  CORSGUARD_VERDICT_DENIED = 1,
} corsguard_verdict;

/// Why a request was denied (the `reason` field of `corsguard_decision`); 0 when it was not.
/// The core's stable `DenyReason` codes.
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

/// Why bytes are not a serialized origin (the `origin_error` fields); 0 when there is no such error.
/// The core's stable `OriginError` codes.
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

/// Why a policy was refused (the `kind` field of `corsguard_policy_error`). The core's stable
/// `PolicyErrorKind` codes.
typedef enum corsguard_policy_error_kind {
  /// No error.
  CORSGUARD_POLICY_ERROR_KIND_NONE = 0,
  /// The origin list is empty.
  CORSGUARD_POLICY_ERROR_KIND_NO_ORIGINS = 1,
  /// An origin is not a serialized origin; see `PolicyError::origin_error`.
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
  /// Fewer index slots than the origins need (never from the C API, which sizes the index itself).
  CORSGUARD_POLICY_ERROR_KIND_INDEX_TOO_SMALL = 28,
  /// An origin longer than the `max_origin_len` cap, so it could never match.
  CORSGUARD_POLICY_ERROR_KIND_ORIGIN_LONGER_THAN_CAP = 29,
} corsguard_policy_error_kind;

/// The setting a policy error is about (the `setting` field of `corsguard_policy_error`). The core's
/// stable `Setting` codes.
typedef enum corsguard_setting {
  /// No setting.
  CORSGUARD_SETTING_NONE = 0,
  /// The origins (`corsguard_policy_builder_add_origin`).
  CORSGUARD_SETTING_ORIGINS = 1,
  /// Credentials (`corsguard_policy_builder_set_credentials`).
  CORSGUARD_SETTING_CREDENTIALS = 2,
  /// The methods (`corsguard_policy_builder_set_methods`, `..._set_methods_any`).
  CORSGUARD_SETTING_METHODS = 3,
  /// The request headers (`corsguard_policy_builder_set_request_headers`, `..._any`).
  CORSGUARD_SETTING_REQUEST_HEADERS = 4,
  /// The exposed headers (`corsguard_policy_builder_set_exposed_headers`, `..._any`).
  CORSGUARD_SETTING_EXPOSED_HEADERS = 5,
  /// Max-age (`corsguard_policy_builder_set_max_age`).
  CORSGUARD_SETTING_MAX_AGE = 6,
  /// The allowed-preflight status (`corsguard_policy_builder_set_preflight_statuses`).
  CORSGUARD_SETTING_PREFLIGHT_SUCCESS_STATUS = 7,
  /// The denied-preflight status (`corsguard_policy_builder_set_preflight_statuses`).
  CORSGUARD_SETTING_PREFLIGHT_FAILURE_STATUS = 8,
  /// The `max_origin_len` cap (`corsguard_policy_builder_set_caps`).
  CORSGUARD_SETTING_MAX_ORIGIN_LEN = 9,
  /// The `max_request_headers_len` cap (`corsguard_policy_builder_set_caps`).
  CORSGUARD_SETTING_MAX_REQUEST_HEADERS_LEN = 10,
  /// The `max_request_headers_count` cap (`corsguard_policy_builder_set_caps`).
  CORSGUARD_SETTING_MAX_REQUEST_HEADERS_COUNT = 11,
  /// The origin index (never from the C API, which sizes the index itself).
  CORSGUARD_SETTING_INDEX = 12,
} corsguard_setting;

/// A validated, immutable policy, ready for `corsguard_decide`. Created by `corsguard_policy_builder_build`;
/// the caller owns it and must eventually call `corsguard_policy_free`.
///
/// It owns copies of everything it was built from (the builder may be freed at once).
///
/// Thread safety: immutable, so any number of threads may call `corsguard_decide` on one policy at the
/// same time, with no locking. Free it only once no call that uses it is running and no decision that
/// borrows from it is still read.
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

/// The CORS-relevant parts of one HTTP request, as the byte slices the caller's HTTP parser produced: the
/// bytes are read only during `corsguard_decide`, except that header values in the decision may point into
/// them (see `corsguard_decision`). Bytes need not be UTF-8 or NUL-terminated.
///
/// Each header is given as every line it arrived on, in order: an array of `count` slices, NULL allowed
/// when `count` is 0 (the header is absent), at most `CORSGUARD_MAX_HEADER_LINES` lines. Values may keep
/// their surrounding spaces and tabs; corsguard trims them.
typedef struct corsguard_request {
  /// The request method, compared byte for byte with `OPTIONS`.
  struct corsguard_slice method;
  /// Every `Origin` line (none: not a CORS request; more than one: denied as malformed).
  const struct corsguard_slice *origin;
  /// The number of `Origin` lines.
  size_t origin_count;
  /// Every `Access-Control-Request-Method` line.
  const struct corsguard_slice *request_method;
  /// The number of `Access-Control-Request-Method` lines.
  size_t request_method_count;
  /// Every `Access-Control-Request-Headers` line.
  const struct corsguard_slice *request_headers;
  /// The number of `Access-Control-Request-Headers` lines.
  size_t request_headers_count;
  /// Every `Access-Control-Request-Private-Network` line.
  const struct corsguard_slice *request_private_network;
  /// The number of `Access-Control-Request-Private-Network` lines.
  size_t request_private_network_count;
} corsguard_request;

/// One response header to add.
typedef struct corsguard_header {
  /// The name, e.g. `Access-Control-Allow-Origin`: static, and also NUL-terminated one byte past `len`.
  struct corsguard_slice name;
  /// The value: visible ASCII, spaces and tabs only, not NUL-terminated. It points into the policy, into
  /// the request's bytes (an allowed origin is reflected byte for byte), or into static memory.
  struct corsguard_slice value;
} corsguard_header;

/// The outcome of `corsguard_decide`, written whole on success.
///
/// Lifetime: header values borrow from the policy and from the request's bytes (not from the
/// `corsguard_request` struct itself, nor its line arrays). They stay valid while the policy is not freed
/// and those bytes are neither freed nor changed; copy them (`corsguard_decision_write_headers`) to keep
/// them longer. The struct itself owns nothing and needs no freeing.
typedef struct corsguard_decision {
  /// Not CORS, actual or preflight: a `corsguard_kind`.
  uint32_t kind;
  /// Allowed or denied: a `corsguard_verdict`. A request that is not CORS is allowed (nothing to decide).
  uint32_t verdict;
  /// Why it was denied: a `corsguard_reason`, 0 when allowed.
  uint32_t reason;
  /// For `CORSGUARD_REASON_ORIGIN_MALFORMED`, what is wrong with the `Origin`: a `corsguard_origin_error`;
  /// otherwise 0.
  uint32_t origin_error;
  /// The status to answer a preflight with (2xx when allowed, the policy's failure status when denied); 0
  /// for other requests, whose status the application chooses.
  uint16_t status;
  /// Whether the host must answer now with `status`, `headers` and an empty body instead of passing the
  /// request to the application: true exactly for preflights.
  bool answer_now;
  /// How many entries of `headers` are set, in emission order: ACAO, ACAC, ACAM, ACAH (one or more), ACMA,
  /// ACAPN, ACEH, Vary. Append them to the response; append to the host's own `Vary`, never replace it.
  size_t header_count;
  /// The headers; entries from `header_count` on are zeroed.
  struct corsguard_header headers[CORSGUARD_MAX_HEADERS];
} corsguard_decision;

/// Why `corsguard_policy_builder_build` refused a policy: the rule, the setting, the entry, and text to log.
///
/// Every field is written together, and only when the build returns `CORSGUARD_RESULT_POLICY_INVALID`.
typedef struct corsguard_policy_error {
  /// The rule that was broken: a `corsguard_policy_error_kind`.
  uint32_t kind;
  /// The setting that breaks it: a `corsguard_setting`.
  uint32_t setting;
  /// The position of the offending entry in its list (in the order `..._add_origin` was called, or in the
  /// array given to `..._set_methods` and the like), or `CORSGUARD_NO_INDEX` when the error is about the
  /// setting as a whole.
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

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/// The library's version as a static NUL-terminated string such as `"0.1.0"`: compare it with the
/// `CORSGUARD_VERSION_*` macros to detect a header and library from different releases.
///
/// Never NULL. The string is static: do not free it.
const char *corsguard_version(void);

/// Describes a `corsguard_result` in one line, e.g. for a log.
///
/// Takes any number: a code this library does not know gives `"unknown code"`. Never NULL; the string is
/// static and NUL-terminated: do not free it.
const char *corsguard_result_str(uint32_t result);

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

/// Decides one request against a policy and writes the decision to `*decision_out`.
///
/// `policy`, `request` and `decision_out` must not be NULL (`CORSGUARD_RESULT_NULL_ARGUMENT`). Every slice
/// in the request is checked (`CORSGUARD_RESULT_INVALID_SLICE`) and every header may have at most
/// `CORSGUARD_MAX_HEADER_LINES` lines (`CORSGUARD_RESULT_TOO_MANY_LINES`); on any error nothing is written.
/// Any bytes are a valid request: malformed headers give a denied decision, not an error.
///
/// The decision's header values borrow from the policy and the request's bytes: see `corsguard_decision`.
/// No memory is allocated; the cost is linear in the request's size and bounded by the policy's caps.
///
/// Thread safety: any number of threads may decide with one policy at the same time.
enum corsguard_result corsguard_decide(const struct corsguard_policy *policy,
                                       const struct corsguard_request *request,
                                       struct corsguard_decision *decision_out);

/// Renders a decision's headers as `Name: value\r\n` lines, in order, into `buf` (not NUL-terminated).
///
/// On success returns `CORSGUARD_RESULT_OK` and writes the number of bytes written to
/// `*written_or_needed`. When `cap` is too small returns `CORSGUARD_RESULT_BUFFER_TOO_SMALL`, writes the
/// number of bytes needed to `*written_or_needed` and leaves `buf` untouched: call with `buf` NULL and `cap`
/// 0 to learn the size first.
///
/// `decision` must be one `corsguard_decide` wrote, whose policy and request bytes are still valid (see
/// `corsguard_decision`); it is only read. NULL `decision` or `written_or_needed` gives
/// `CORSGUARD_RESULT_NULL_ARGUMENT`; NULL `buf` with a non-zero `cap`, or an invalid slice in the decision,
/// `CORSGUARD_RESULT_INVALID_SLICE`; a header count above `CORSGUARD_MAX_HEADERS`,
/// `CORSGUARD_RESULT_INVALID_DECISION`. Nothing is written on those errors.
enum corsguard_result corsguard_decision_write_headers(const struct corsguard_decision *decision,
                                                       uint8_t *buf,
                                                       size_t cap,
                                                       size_t *written_or_needed);

/// Creates a policy builder with every setting at its secure default and writes it to `*builder_out`.
///
/// The caller owns the builder and must eventually call `corsguard_policy_builder_free`.
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` when `builder_out` is NULL (nothing is written then).
enum corsguard_result corsguard_policy_builder_new(struct corsguard_policy_builder **builder_out);

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
enum corsguard_result corsguard_policy_builder_add_origin(struct corsguard_policy_builder *builder,
                                                          const uint8_t *origin,
                                                          size_t len);

/// Allows credentialed requests (`Access-Control-Allow-Credentials: true`) when `credentials` is true.
/// Default: false. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT` for a NULL builder.
enum corsguard_result corsguard_policy_builder_set_credentials(struct corsguard_policy_builder *builder,
                                                               bool credentials);

/// Sets the methods a preflight may ask for to exactly these `count` methods (case-sensitive; the six that
/// browsers normalize must be uppercase), replacing the previous methods setting. `count` 0 allows no method
/// (`methods` may then be NULL). Every byte string is copied. Default: GET, HEAD, POST.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` (NULL builder) or `CORSGUARD_RESULT_INVALID_SLICE` (a NULL
/// or misaligned array with a non-zero count, or an invalid slice in it), leaving the builder unchanged.
enum corsguard_result corsguard_policy_builder_set_methods(struct corsguard_policy_builder *builder,
                                                           const struct corsguard_slice *methods,
                                                           size_t count);

/// Allows any method except the forbidden CONNECT, TRACE and TRACK, replacing the previous methods
/// setting. Answered with `*`, or under credentials with the requested method echoed.
/// Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT` for a NULL builder.
enum corsguard_result corsguard_policy_builder_set_methods_any(struct corsguard_policy_builder *builder);

/// Sets the request headers a preflight may ask for to exactly these `count` names (compared
/// case-insensitively), replacing the previous request-headers setting. `count` 0 allows none (`names` may
/// then be NULL). Every byte string is copied. Default: none.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` or `CORSGUARD_RESULT_INVALID_SLICE` as
/// `corsguard_policy_builder_set_methods` does, leaving the builder unchanged.
enum corsguard_result corsguard_policy_builder_set_request_headers(struct corsguard_policy_builder *builder,
                                                                   const struct corsguard_slice *names,
                                                                   size_t count);

/// Allows any request header, replacing the previous request-headers setting. `Authorization` is allowed
/// too only when `include_authorization` is true, because `*` never covers it. Answered with `*`, or under
/// credentials with the requested names echoed. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
enum corsguard_result corsguard_policy_builder_set_request_headers_any(struct corsguard_policy_builder *builder,
                                                                       bool include_authorization);

/// Sets the response headers exposed to the page to exactly these `count` names, replacing the previous
/// exposed-headers setting. `count` 0 exposes none beyond the CORS-safelisted ones (`names` may then be
/// NULL). Every byte string is copied. Default: none.
///
/// Fails with `CORSGUARD_RESULT_NULL_ARGUMENT` or `CORSGUARD_RESULT_INVALID_SLICE` as
/// `corsguard_policy_builder_set_methods` does, leaving the builder unchanged.
enum corsguard_result corsguard_policy_builder_set_exposed_headers(struct corsguard_policy_builder *builder,
                                                                   const struct corsguard_slice *names,
                                                                   size_t count);

/// Exposes every response header (`*`), replacing the previous exposed-headers setting. Not expressible
/// with credentials: such a policy is refused when built. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
enum corsguard_result corsguard_policy_builder_set_exposed_headers_any(struct corsguard_policy_builder *builder);

/// Sends `Access-Control-Max-Age: seconds` on allowed preflights; 0 to 86400, checked when built.
/// Default: not sent (browsers then cache a preflight for 5 seconds). Fails only with
/// `CORSGUARD_RESULT_NULL_ARGUMENT`.
enum corsguard_result corsguard_policy_builder_set_max_age(struct corsguard_policy_builder *builder,
                                                           uint32_t seconds);

/// Stops sending `Access-Control-Max-Age` (the default). Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
enum corsguard_result corsguard_policy_builder_clear_max_age(struct corsguard_policy_builder *builder);

/// Sets the statuses of preflight answers: `success` for allowed ones (200 to 299, default 204), `failure`
/// for denied ones (200 to 299 or 400 to 599, default 403). Checked when built. Fails only with
/// `CORSGUARD_RESULT_NULL_ARGUMENT`.
enum corsguard_result corsguard_policy_builder_set_preflight_statuses(struct corsguard_policy_builder *builder,
                                                                      uint32_t success,
                                                                      uint32_t failure);

/// Answers `Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network: true`
/// when `allow` is true. Default: false. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
enum corsguard_result corsguard_policy_builder_set_private_network(struct corsguard_policy_builder *builder,
                                                                   bool allow);

/// Tolerates non-HTTPS origins other than loopback ones together with credentials when `allow` is true.
/// Default: false, because any network attacker could then read credentialed responses. Fails only with
/// `CORSGUARD_RESULT_NULL_ARGUMENT`.
enum corsguard_result corsguard_policy_builder_set_allow_insecure_origins_with_credentials(struct corsguard_policy_builder *builder,
                                                                                           bool allow);

/// Sets the request caps: the longest `Origin` value considered (1 to 4096, default 512), the most bytes of
/// `Access-Control-Request-Headers` over all its lines (1 to 65536, default 2048), and the most names in it
/// (1 to 1024, default 64). Checked when built. Fails only with `CORSGUARD_RESULT_NULL_ARGUMENT`.
enum corsguard_result corsguard_policy_builder_set_caps(struct corsguard_policy_builder *builder,
                                                        size_t max_origin_len,
                                                        size_t max_request_headers_len,
                                                        size_t max_request_headers_count);

/// Validates the builder's settings and builds a policy from them. The builder is not changed: it may be
/// built again, changed, or freed, and the policy does not depend on it.
///
/// On success returns `CORSGUARD_RESULT_OK` and writes a new policy to `*policy_out`; the caller owns it and
/// must eventually call `corsguard_policy_free`. When a rule is broken returns
/// `CORSGUARD_RESULT_POLICY_INVALID` and, if `error_out` is not NULL, writes the first broken rule to
/// `*error_out`; `*policy_out` is not written. `error_out` may be NULL; `builder` and `policy_out` may not
/// (`CORSGUARD_RESULT_NULL_ARGUMENT`, nothing written).
enum corsguard_result corsguard_policy_builder_build(const struct corsguard_policy_builder *builder,
                                                     struct corsguard_policy **policy_out,
                                                     struct corsguard_policy_error *error_out);

/// Frees a policy and everything it owns. NULL is allowed and does nothing.
///
/// The policy must come from `corsguard_policy_builder_build` and must not be used or freed again. Every
/// `corsguard_decision` that borrows from it becomes invalid: free it only when no thread is deciding with
/// it and no decision made with it is still read.
void corsguard_policy_free(struct corsguard_policy *policy);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* CORSGUARD_H */
