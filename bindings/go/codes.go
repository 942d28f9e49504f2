package corsguard

// The numbered codes corsguard reports, with the snake_case names the shared vectors and logs use, and the
// one-line texts the C library gives for them (read once, at start-up, so that they always match it).

/*
#include "shim.h"
*/
import "C"

import "strconv"

// Kind is what kind of request was decided.
type Kind uint8

const (
	// NotCORS is a request without Origin: same-origin or not from a browser; the application answers.
	NotCORS Kind = 0
	// Actual is a CORS request the application answers, with the decision's headers added.
	Actual Kind = 1
	// Preflight is OPTIONS with Origin and Access-Control-Request-Method: answered by corsguard itself.
	Preflight Kind = 2
)

var kindNames = [...]string{"not_cors", "actual", "preflight"}

// String gives "not_cors", "actual" or "preflight".
func (k Kind) String() string { return name(kindNames[:], int(k)) }

// Reason is why a request was denied, a stable code (0 when it was not denied). See docs/rules.md.
type Reason uint8

// The deny reasons, with the core's codes.
const (
	ReasonNone                     Reason = 0
	ReasonOriginMalformed          Reason = 1
	ReasonOriginTooLong            Reason = 2
	ReasonOriginMultiple           Reason = 3
	ReasonOriginNull               Reason = 4
	ReasonOriginNotAllowed         Reason = 5
	ReasonMethodMalformed          Reason = 6
	ReasonMethodForbidden          Reason = 7
	ReasonMethodNotAllowed         Reason = 8
	ReasonHeadersMalformed         Reason = 9
	ReasonHeadersTooLong           Reason = 10
	ReasonHeadersTooMany           Reason = 11
	ReasonHeaderNotAllowed         Reason = 12
	ReasonAuthorizationNotAllowed  Reason = 13
	ReasonPrivateNetworkMalformed  Reason = 14
	ReasonPrivateNetworkNotAllowed Reason = 15
)

var reasonNames = [...]string{"none", "origin_malformed", "origin_too_long", "origin_multiple", "origin_null",
	"origin_not_allowed", "method_malformed", "method_forbidden", "method_not_allowed", "headers_malformed",
	"headers_too_long", "headers_too_many", "header_not_allowed", "authorization_not_allowed",
	"private_network_malformed", "private_network_not_allowed"}

var reasonTexts [len(reasonNames)]string

// Code is the stable number (DenyReason::code in the core).
func (r Reason) Code() int { return int(r) }

// Name is the snake_case name, fit for a metrics label: "origin_not_allowed".
func (r Reason) Name() string { return name(reasonNames[:], int(r)) }

// String is one line fit for a log: "the origin is not allowed by the policy".
func (r Reason) String() string { return text(reasonTexts[:], int(r)) }

// OriginError is what exactly is wrong with a malformed origin (0 when nothing is).
type OriginError uint8

var originErrorNames = [...]string{"none", "empty", "too_long", "not_ascii", "whitespace", "control",
	"invalid_scheme", "uppercase_scheme", "missing_separator", "has_path", "has_userinfo", "empty_host",
	"invalid_host_byte", "uppercase_host", "invalid_ipv4", "invalid_ipv6", "empty_port", "invalid_port",
	"port_leading_zero", "default_port"}

var originErrorTexts [len(originErrorNames)]string

// Code is the stable number.
func (e OriginError) Code() int { return int(e) }

// Name is the snake_case name: "has_path".
func (e OriginError) Name() string { return name(originErrorNames[:], int(e)) }

// String is one line fit for a log.
func (e OriginError) String() string { return text(originErrorTexts[:], int(e)) }

// PolicyErrorKind is the rule a refused policy breaks, a stable code.
type PolicyErrorKind uint32

// The policy errors corsguard itself can report from Go before the C library sees the config.
const (
	PolicyErrorMaxAgeOutOfRange PolicyErrorKind = 23
	PolicyErrorStatusOutOfRange PolicyErrorKind = 24
	PolicyErrorCapOutOfRange    PolicyErrorKind = 25
)

var policyErrorNames = [...]string{"none", "no_origins", "origin_malformed", "null_origin", "file_origin",
	"duplicate_origin", "any_origin_with_credentials", "any_origin_mixed", "insecure_origin_with_credentials",
	"wildcard_public_suffix", "wildcard_not_label_aware", "wildcard_misplaced", "wildcard_over_ip",
	"port_wildcard_not_loopback", "method_invalid", "method_forbidden", "method_not_normalized",
	"duplicate_method", "wildcard_in_list", "header_invalid", "header_forbidden", "duplicate_header",
	"expose_any_with_credentials", "max_age_out_of_range", "status_out_of_range", "cap_out_of_range",
	"list_too_long", "too_many_entries", "storage_too_small", "origin_longer_than_cap"}

var policyErrorTexts [len(policyErrorNames)]string

// Code is the stable number (PolicyErrorKind::code in the core).
func (k PolicyErrorKind) Code() int { return int(k) }

// Name is the snake_case name: "any_origin_with_credentials".
func (k PolicyErrorKind) Name() string { return name(policyErrorNames[:], int(k)) }

// String says what is wrong and what to change.
func (k PolicyErrorKind) String() string { return text(policyErrorTexts[:], int(k)) }

// settingNames are the names the C library gives settings ("origins", "max_age", ...), by code.
var settingNames [13]string

func init() {
	if C.cg_init_names() != 8 {
		panic("corsguard: the C library (" + Version() + ") does not emit the headers this binding knows")
	}
	for i := range reasonTexts {
		reasonTexts[i] = C.GoString(C.corsguard_reason_str(C.uint32_t(i)))
	}
	for i := range originErrorTexts {
		originErrorTexts[i] = C.GoString(C.corsguard_origin_error_str(C.uint32_t(i)))
	}
	for i := range policyErrorTexts {
		policyErrorTexts[i] = C.GoString(C.corsguard_policy_error_kind_str(C.uint32_t(i)))
	}
	for i := range settingNames {
		settingNames[i] = C.GoString(C.corsguard_setting_str(C.uint32_t(i)))
	}
}

func name(names []string, i int) string {
	if i < len(names) {
		return names[i]
	}
	return "code_" + strconv.Itoa(i)
}

func text(texts []string, i int) string {
	if i < len(texts) {
		return texts[i]
	}
	return "unknown code " + strconv.Itoa(i)
}

func settingName(code uint32) string {
	if int(code) < len(settingNames) {
		return settingNames[code]
	}
	return C.GoString(C.corsguard_setting_str(C.uint32_t(code)))
}
