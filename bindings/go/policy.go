package corsguard

// The policy: a Config checked and built once by the C library into C memory this package owns, the
// values Go reuses for every response (prepared once, shared read-only), and its release.

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Config is what a policy allows. The zero value of every field but Origins is its secure default; the
// rules every field must follow are in docs/rules.md, and NewPolicy refuses a Config that breaks one.
//
// Lists follow the policy file's conventions: a list of exactly "*" means any (any method but CONNECT,
// TRACE and TRACK; any request header but Authorization; every response header exposed), and
// RequestHeaders {"*", "Authorization"} means any request header, Authorization included.
type Config struct {
	// Origins allowed: exact origins ("https://app.example.com"), subdomain patterns
	// ("https://*.example.com"), loopback port patterns ("http://localhost:*"), or "*" alone. Required.
	Origins []string
	// Credentials allows credentialed requests (Access-Control-Allow-Credentials: true).
	Credentials bool
	// Methods a preflight may ask for; nil means GET, HEAD and POST, and an empty non-nil list none.
	// Case-sensitive; the six methods browsers normalize must be uppercase.
	Methods []string
	// RequestHeaders a preflight may ask for (case-insensitive); nil means none.
	RequestHeaders []string
	// ExposedHeaders are the response headers the page may read beyond the safelisted ones; nil means none.
	ExposedHeaders []string
	// MaxAge is sent as Access-Control-Max-Age on allowed preflights, in seconds, 1 to 86400; 0 sends
	// nothing (browsers then cache a preflight for 5 seconds) and -1 sends 0 (no caching).
	MaxAge int
	// PreflightSuccessStatus answers allowed preflights, 200 to 299; 0 means 204.
	PreflightSuccessStatus int
	// PreflightFailureStatus answers denied preflights, 200 to 299 or 400 to 599; 0 means 403.
	PreflightFailureStatus int
	// PrivateNetwork answers Access-Control-Request-Private-Network: true with
	// Access-Control-Allow-Private-Network: true.
	PrivateNetwork bool
	// AllowInsecureOriginsWithCredentials tolerates http origins other than loopback ones with credentials.
	AllowInsecureOriginsWithCredentials bool
	// MaxOriginLen is the longest Origin considered, 1 to 4096; 0 means 512.
	MaxOriginLen int
	// MaxRequestHeadersLen caps the bytes of Access-Control-Request-Headers, 1 to 65536; 0 means 2048.
	MaxRequestHeadersLen int
	// MaxRequestHeadersCount caps the names in Access-Control-Request-Headers, 1 to 1024; 0 means 64.
	MaxRequestHeadersCount int
}

// PolicyError says why a policy was refused: the rule (Kind, with its stable code), the setting, the entry
// and what to change. errors.As(err, &policyErr) finds it behind every error NewPolicy and the policy file
// loaders return for a refused policy.
type PolicyError struct {
	Kind PolicyErrorKind
	// Setting is the setting's name as docs/rules.md and the vectors spell it: "origins", "max_age", ...
	Setting string
	// Index is the position of the offending entry in its list, or -1 when the error is about the
	// setting as a whole.
	Index int
	// OriginError says what exactly is malformed, for PolicyErrorKind origin_malformed.
	OriginError OriginError
	// Message says what is wrong and what to change.
	Message string
}

// Code is the stable number of the broken rule.
func (e *PolicyError) Code() int { return int(e.Kind) }

func (e *PolicyError) Error() string {
	where := e.Setting
	if e.Index >= 0 {
		where = fmt.Sprintf("%s[%d]", e.Setting, e.Index)
	}
	msg := fmt.Sprintf("corsguard: invalid policy: %s: %s (%s, code %d)", where, e.Message, e.Kind.Name(), e.Kind)
	if e.OriginError != 0 {
		msg += ": " + e.OriginError.String()
	}
	return msg
}

func policyErrorFrom(c *C.corsguard_policy_error) *PolicyError {
	index := -1
	if c.index != C.size_t(math.MaxUint) && uint64(c.index) <= math.MaxInt32 {
		index = int(c.index)
	}
	return &PolicyError{
		Kind:        PolicyErrorKind(c.kind),
		Setting:     settingName(uint32(c.setting)),
		Index:       index,
		OriginError: OriginError(c.origin_error),
		Message:     C.GoString(c.message),
	}
}

// errClosed is what deciding with a closed policy panics with: a use after Close is a bug in the caller.
var errClosed = errors.New("corsguard: Policy used after Close")

// Policy is a validated, immutable policy: safe for any number of goroutines at once. Its memory is C
// memory; Close releases it, and a finalizer does if Close was never called.
type Policy struct {
	c         uintptr        // the corsguard_policy, inside mem
	mem       unsafe.Pointer // C memory this Policy owns
	closeOnce sync.Once
	closed    atomic.Bool
	// values maps where a header value lies in the policy's or the library's memory to a Go copy of it,
	// filled as values are first seen (a policy emits a handful), so responses reuse them.
	values atomic.Pointer[[]prepared]
	// actualVary and preflightVary are this policy's Vary values: for requests that are not CORS (decided
	// in Go), and for the preflight the C library refuses to read (more than 32 request header lines).
	actualVary, preflightVary *prepared
	// exact holds the origins of a policy that lists exact origins only (no pattern, no "*"), and is nil
	// otherwise. Such a policy allows an Origin only when it is byte for byte one of them (a policy's origins
	// are canonical, and the C library matches exact origins byte for byte), so the Handler denies any other
	// single Origin line here, without crossing into C: the same answer, a map lookup instead of a decision.
	exact map[string]struct{}
	// failureStatus is the status of a denied preflight.
	failureStatus int
}

// prepared is a value the policy emits, as a string and as the one-element slice http.Header wants.
type prepared struct {
	ptr   *C.uint8_t
	n     uint32
	value string
	lines []string
}

// maxPrepared bounds the values cache; a policy emits fewer (one per setting, "*", "true", three Varys).
const maxPrepared = 32

// NewPolicy checks every rule of docs/rules.md and builds the policy; a refused Config gives a
// *PolicyError.
func NewPolicy(cfg Config) (*Policy, error) {
	a, perr := newArena(&cfg)
	if perr != nil {
		return nil, perr
	}
	defer C.free(a.mem)
	var size C.size_t
	if r := C.corsguard_policy_size(a.config, &size); r != C.CORSGUARD_RESULT_OK {
		return nil, resultError("corsguard_policy_size", r)
	}
	mem := C.malloc(size)
	if mem == nil {
		return nil, errors.New("corsguard: out of C memory")
	}
	var out *C.corsguard_policy
	var cerr C.corsguard_policy_error
	r := C.corsguard_policy_init(a.config, mem, size, &out, &cerr)
	switch r {
	case C.CORSGUARD_RESULT_OK:
		p, err := newPolicy(uintptr(unsafe.Pointer(out)), mem)
		if err == nil {
			p.exact = exactOrigins(cfg.Origins)
		}
		return p, err
	case C.CORSGUARD_RESULT_POLICY_INVALID:
		C.free(mem)
		return nil, policyErrorFrom(&cerr)
	default:
		C.free(mem)
		return nil, resultError("corsguard_policy_init", r)
	}
}

func resultError(what string, r C.corsguard_result) error {
	return fmt.Errorf("corsguard: %s: %s (result %d)", what, C.GoString(C.corsguard_result_str(r)), uint32(r))
}

// newPolicy wraps a policy the C library built into mem, which the Policy then owns.
func newPolicy(c uintptr, mem unsafe.Pointer) (*Policy, error) {
	p := &Policy{c: c, mem: mem}
	runtime.SetFinalizer(p, (*Policy).release)
	// Two requests every policy denies, whatever it allows (an Origin that is not an origin): they give
	// this policy's Vary values, and warm the values cache with them.
	bad := []string{"x"}
	actual := p.decide("GET", bad, nil, nil, nil)
	preflight := p.decide("OPTIONS", bad, []string{"GET"}, nil, nil)
	for _, rd := range []*raw{actual, preflight} {
		if !rd.ok() || rd.d.count != 1 || rd.d.headers[0].name != nameVary || rd.d.headers[0].src != srcStatic {
			p.release()
			return nil, fmt.Errorf("corsguard: the C library (%s) answers unlike this binding expects", Version())
		}
	}
	p.actualVary = p.prepare(&actual.d.headers[0])
	p.preflightVary = p.prepare(&preflight.d.headers[0])
	p.failureStatus = int(preflight.d.status)
	return p, nil
}

// exactOrigins is the set of origins when every one is exact (a policy the C library accepted), else nil.
func exactOrigins(origins []string) map[string]struct{} {
	set := make(map[string]struct{}, len(origins))
	for _, o := range origins {
		if strings.Contains(o, "*") {
			return nil
		}
		set[o] = struct{}{}
	}
	return set
}

// Version is the C library's version, e.g. "0.1.0".
func Version() string { return C.GoString(C.corsguard_version()) }

// Close releases the policy's C memory. Call it only once no request is being decided with the policy;
// deciding afterwards panics. Closing twice does nothing. A Policy that is never closed is released by a
// finalizer once it is unreachable, so Close matters only to release memory sooner.
func (p *Policy) Close() error {
	p.release()
	return nil
}

func (p *Policy) release() {
	p.closeOnce.Do(func() {
		p.closed.Store(true)
		runtime.SetFinalizer(p, nil)
		C.free(p.mem)
		p.mem = nil
	})
}

// prepare gives the Go copy of the value at h.at, copying it from C memory the first time it is seen.
// Only values in the policy's or the library's memory come here: they never change while the policy lives.
func (p *Policy) prepare(h *C.cg_header) *prepared {
	// h.at holds the address: read it as the pointer it is (it points outside Go's heap).
	ptr, n := *(**C.uint8_t)(unsafe.Pointer(&h.at)), uint32(h.len)
	for {
		cur := p.values.Load()
		if cur != nil {
			for i := range *cur {
				if v := &(*cur)[i]; v.ptr == ptr && v.n == n {
					return v
				}
			}
		}
		s := strings.Clone(unsafe.String((*byte)(unsafe.Pointer(ptr)), int(n)))
		v := prepared{ptr: ptr, n: n, value: s, lines: []string{s}}
		if cur != nil && len(*cur) >= maxPrepared {
			return &v // never for a valid policy; correct anyway, only slower
		}
		next := make([]prepared, 0, 8)
		if cur != nil {
			next = append(next, *cur...)
		}
		next = append(next, v)
		if p.values.CompareAndSwap(cur, &next) {
			return &next[len(next)-1]
		}
	}
}

// arena is a corsguard_config and every array and string it points to, in one block of C memory.
type arena struct {
	mem    unsafe.Pointer
	config *C.corsguard_config
}

type listMode struct {
	mode  C.uint32_t
	items []string
}

func listOf(items []string, any bool) listMode {
	if items == nil {
		return listMode{mode: C.CORSGUARD_MODE_DEFAULT}
	}
	if any && len(items) == 1 && items[0] == "*" {
		return listMode{mode: C.CORSGUARD_MODE_ANY}
	}
	return listMode{mode: C.CORSGUARD_MODE_LIST, items: items}
}

func requestHeadersOf(items []string) listMode {
	if len(items) == 2 && (items[0] == "*" && strings.EqualFold(items[1], "authorization") ||
		items[1] == "*" && strings.EqualFold(items[0], "authorization")) {
		return listMode{mode: C.CORSGUARD_MODE_ANY_WITH_AUTHORIZATION}
	}
	return listOf(items, true)
}

// newArena lays cfg out as a corsguard_config in C memory, or says which number cannot be one.
func newArena(cfg *Config) (*arena, *PolicyError) {
	methods := listOf(cfg.Methods, true)
	requestHeaders := requestHeadersOf(cfg.RequestHeaders)
	exposed := listOf(cfg.ExposedHeaders, true)
	lists := [][]string{cfg.Origins, methods.items, requestHeaders.items, exposed.items}

	var hasMaxAge bool
	var maxAge uint32
	switch {
	case cfg.MaxAge == -1:
		hasMaxAge = true
	case cfg.MaxAge < 0 || uint64(cfg.MaxAge) > math.MaxUint32:
		return nil, goPolicyError(PolicyErrorMaxAgeOutOfRange, 6)
	case cfg.MaxAge > 0:
		hasMaxAge, maxAge = true, uint32(cfg.MaxAge)
	}
	success, ok1 := status(cfg.PreflightSuccessStatus)
	failure, ok2 := status(cfg.PreflightFailureStatus)
	if !ok1 {
		return nil, goPolicyError(PolicyErrorStatusOutOfRange, 7)
	}
	if !ok2 {
		return nil, goPolicyError(PolicyErrorStatusOutOfRange, 8)
	}
	for i, c := range []int{cfg.MaxOriginLen, cfg.MaxRequestHeadersLen, cfg.MaxRequestHeadersCount} {
		if c < 0 {
			return nil, goPolicyError(PolicyErrorCapOutOfRange, uint32(9+i))
		}
	}

	slice := unsafe.Sizeof(C.corsguard_slice{})
	size := unsafe.Sizeof(C.corsguard_config{})
	for _, l := range lists {
		size += uintptr(len(l)) * slice
	}
	arrays := size
	for _, l := range lists {
		for _, s := range l {
			size += uintptr(len(s))
		}
	}
	mem := C.calloc(1, C.size_t(size))
	if mem == nil {
		panic("corsguard: out of C memory")
	}
	block := unsafe.Slice((*byte)(mem), size)
	at, bytesAt := unsafe.Sizeof(C.corsguard_config{}), arrays
	place := func(l []string) *C.corsguard_slice {
		if len(l) == 0 {
			return nil
		}
		first := (*C.corsguard_slice)(unsafe.Pointer(&block[at]))
		for _, s := range l {
			sl := (*C.corsguard_slice)(unsafe.Pointer(&block[at]))
			copy(block[bytesAt:], s)
			if len(s) > 0 {
				sl.ptr = (*C.uint8_t)(unsafe.Pointer(&block[bytesAt]))
			}
			sl.len = C.size_t(len(s))
			at += slice
			bytesAt += uintptr(len(s))
		}
		return first
	}
	c := (*C.corsguard_config)(mem)
	c.origins = place(cfg.Origins)
	c.origin_count = C.size_t(len(cfg.Origins))
	c.credentials = C.bool(cfg.Credentials)
	c.methods_mode = methods.mode
	c.methods = place(methods.items)
	c.method_count = C.size_t(len(methods.items))
	c.request_headers_mode = requestHeaders.mode
	c.request_headers = place(requestHeaders.items)
	c.request_header_count = C.size_t(len(requestHeaders.items))
	c.exposed_headers_mode = exposed.mode
	c.exposed_headers = place(exposed.items)
	c.exposed_header_count = C.size_t(len(exposed.items))
	c.has_max_age = C.bool(hasMaxAge)
	c.max_age = C.uint32_t(maxAge)
	c.preflight_success_status = C.uint16_t(success)
	c.preflight_failure_status = C.uint16_t(failure)
	c.private_network = C.bool(cfg.PrivateNetwork)
	c.allow_insecure_origins_with_credentials = C.bool(cfg.AllowInsecureOriginsWithCredentials)
	c.max_origin_len = C.size_t(cfg.MaxOriginLen)
	c.max_request_headers_len = C.size_t(cfg.MaxRequestHeadersLen)
	c.max_request_headers_count = C.size_t(cfg.MaxRequestHeadersCount)
	return &arena{mem: mem, config: c}, nil
}

// status maps a Config status to the C field, where 0 is the default and anything above 65535 is kept
// out of range for the C library to refuse.
func status(s int) (uint16, bool) {
	switch {
	case s < 0:
		return 0, false
	case s > math.MaxUint16:
		return math.MaxUint16, true
	default:
		return uint16(s), true
	}
}

// goPolicyError is a refusal found in Go, for numbers a corsguard_config cannot hold, worded as the C
// library words it.
func goPolicyError(kind PolicyErrorKind, setting uint32) *PolicyError {
	return &PolicyError{Kind: kind, Setting: settingName(setting), Index: -1, Message: kind.String()}
}
