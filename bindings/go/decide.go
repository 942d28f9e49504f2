package corsguard

// Deciding: the request's CORS header lines handed to the C shim in one call, and the answer turned into
// Go strings that are either slices of the request's own strings or values prepared once per policy, so
// that a decision allocates nothing.

/*
#include "shim.h"
*/
import "C"

import (
	"net/http"
	"runtime"
	"sync"
	"unsafe"
)

// The header names a decision carries, by the shim's name number, in emission order.
var headerNames = [8]string{
	"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
	"Access-Control-Allow-Headers", "Access-Control-Max-Age", "Access-Control-Allow-Private-Network",
	"Access-Control-Expose-Headers", "Vary",
}

const (
	nameAllowHeaders = 3
	nameVary         = 7
	// maxHeaders is CORSGUARD_MAX_HEADERS: the most headers one decision carries.
	maxHeaders = C.CORSGUARD_MAX_HEADERS
	// maxHeaderLines is CORSGUARD_MAX_HEADER_LINES: the most Access-Control-Request-Headers lines the
	// C library reads; a preflight with more is answered 400.
	maxHeaderLines = C.CORSGUARD_MAX_HEADER_LINES
)

// Canonical request header names, as net/http stores them.
const (
	hOrigin    = "Origin"
	hACRM      = "Access-Control-Request-Method"
	hACRH      = "Access-Control-Request-Headers"
	hACRPN     = "Access-Control-Request-Private-Network"
	hVary      = "Vary"
	srcStatic  = C.CG_SRC_STATIC
	srcOrigin  = C.CG_SRC_ORIGIN
	srcMethod  = C.CG_SRC_METHOD
	srcHeaders = C.CG_SRC_HEADERS
)

// raw is the shim's answer and the request lines its offsets refer to.
type raw struct {
	d      C.cg_decision
	origin []string
	acrm   []string
	acrh   []string
	// notCORS marks the decision made in Go for a request without Origin (the C library answers such a
	// request the same way for every policy: Vary: Origin and nothing else).
	notCORS bool
	// tooManyLines marks a preflight with more Access-Control-Request-Headers lines than the C library
	// reads: denied with 400 here.
	tooManyLines bool
}

// packed holds Access-Control-Request-Headers lines back to back when there are several, because C may
// not be handed an array of Go strings (it holds Go pointers).
type packed struct {
	lens  [maxHeaderLines]uint32
	bytes []byte
}

var packedPool = sync.Pool{New: func() any { return &packed{bytes: make([]byte, 0, 1024)} }}

// decideInto decides r into out: the lines of the four CORS headers, in one C call.
func (p *Policy) decideInto(r *http.Request, out *raw) {
	h := r.Header
	origin := h[hOrigin]
	if len(origin) == 0 {
		out.notCORS = true
		return
	}
	var acrm, acrh, acrpn []string
	if r.Method == http.MethodOptions {
		if acrm = h[hACRM]; len(acrm) > 0 {
			acrh, acrpn = h[hACRH], h[hACRPN]
		}
	}
	p.decideLines(r.Method, origin, acrm, acrh, acrpn, out)
}

// decide is decideInto for lines given one by one (the policy's own probes, and tests).
func (p *Policy) decide(method string, origin, acrm, acrh, acrpn []string) *raw {
	out := new(raw)
	if len(origin) == 0 {
		out.notCORS = true
		return out
	}
	p.decideLines(method, origin, acrm, acrh, acrpn, out)
	return out
}

func (p *Policy) decideLines(method string, origin, acrm, acrh, acrpn []string, out *raw) {
	if p.closed.Load() {
		panic(errClosed)
	}
	out.origin, out.acrm, out.acrh = origin, acrm, acrh
	if len(acrh) > maxHeaderLines {
		out.tooManyLines = true
		return
	}
	o0, o0n := firstLine(origin)
	m0, m0n := firstLine(acrm)
	n0, n0n := firstLine(acrpn)
	var hp *C.uint8_t
	var hn C.size_t
	var lens *C.uint32_t
	var pk *packed
	switch len(acrh) {
	case 0:
	case 1:
		hp, hn = bytesOf(acrh[0])
	default:
		pk = packedPool.Get().(*packed)
		pk.bytes = pk.bytes[:0]
		for i, line := range acrh {
			pk.lens[i] = uint32(len(line))
			pk.bytes = append(pk.bytes, line...)
		}
		if len(pk.bytes) > 0 {
			hp = (*C.uint8_t)(unsafe.Pointer(&pk.bytes[0]))
		}
		hn = C.size_t(len(pk.bytes))
		lens = (*C.uint32_t)(unsafe.Pointer(&pk.lens[0]))
	}
	mp, mn := bytesOf(method)
	out.d = C.cg_decide(C.uintptr_t(p.c), mp, mn,
		o0, o0n, C.size_t(len(origin)),
		m0, m0n, C.size_t(len(acrm)),
		n0, n0n, C.size_t(len(acrpn)),
		hp, hn, lens, C.size_t(len(acrh)))
	runtime.KeepAlive(p)
	if pk != nil {
		if cap(pk.bytes) <= 64<<10 {
			packedPool.Put(pk)
		}
	}
}

// bytesOf is a string's bytes as C sees them: not copied, read only during the call.
func bytesOf(s string) (*C.uint8_t, C.size_t) {
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// firstLine gives the first line of a header, the only one the C library reads of it (with the count of
// lines: a second line makes the request malformed whatever it holds).
func firstLine(lines []string) (p *C.uint8_t, n C.size_t) {
	if len(lines) > 0 {
		p, n = bytesOf(lines[0])
	}
	return
}

// ok reports whether the C library gave a decision; otherwise the request is denied here (fail closed).
func (rd *raw) ok() bool {
	return rd.notCORS || (!rd.tooManyLines && rd.d.result == C.CORSGUARD_RESULT_OK)
}

// value is header i's value: a slice of the request's line, or the policy's prepared copy.
func (p *Policy) value(rd *raw, i int) (string, *prepared) {
	h := &rd.d.headers[i]
	at, n := int(h.at), int(h.len)
	switch h.src {
	case srcOrigin:
		return rd.origin[0][at : at+n], nil
	case srcMethod:
		return rd.acrm[0][at : at+n], nil
	case srcHeaders:
		return rd.acrh[h.line][at : at+n], nil
	default:
		v := p.prepare(h)
		return v.value, v
	}
}

// Decision is the answer to one request: its kind, the verdict, why it was denied, the status of a
// preflight's answer, and the exact headers to add to the response. Values are slices of the request's
// strings or of the policy's, so a Decision allocates nothing.
type Decision struct {
	kind        Kind
	allowed     bool
	reason      Reason
	originError OriginError
	status      uint16
	n           uint8
	headers     [maxHeaders]Header
}

// Header is one response header to add. Vary must be appended to the response's own Vary, never replace it.
type Header struct {
	Name  string
	Value string
}

// Decide decides one request. It reads every line of Origin and, for a preflight,
// Access-Control-Request-Method, -Headers and -Private-Network, and nothing else. Deciding with a closed
// policy panics.
func (p *Policy) Decide(r *http.Request) Decision {
	var rd raw
	p.decideInto(r, &rd)
	var d Decision
	p.fill(&rd, r.Method, &d)
	return d
}

// fill turns the shim's answer into a Decision.
func (p *Policy) fill(rd *raw, method string, d *Decision) {
	switch {
	case rd.notCORS:
		d.kind, d.allowed, d.n = NotCORS, true, 1
		d.headers[0] = Header{Name: hVary, Value: p.actualVary.value}
	case !rd.ok():
		d.kind, d.allowed, d.reason = p.failedKind(rd, method), false, ReasonHeadersTooMany
		d.n = 1
		if d.kind == Preflight {
			d.status = 400
			d.headers[0] = Header{Name: hVary, Value: p.preflightVary.value}
		} else {
			d.headers[0] = Header{Name: hVary, Value: p.actualVary.value}
		}
	default:
		d.kind, d.allowed = Kind(rd.d.kind), rd.d.verdict == C.CORSGUARD_VERDICT_ALLOWED
		d.reason, d.originError, d.status = Reason(rd.d.reason), OriginError(rd.d.origin_error), uint16(rd.d.status)
		d.n = uint8(rd.d.count)
		for i := 0; i < int(d.n); i++ {
			v, _ := p.value(rd, i)
			d.headers[i] = Header{Name: headerNames[rd.d.headers[i].name], Value: v}
		}
	}
}

// failedKind is the kind of a request the C library gave no decision for: a preflight with too many
// Access-Control-Request-Headers lines, or (fail closed) a header this binding does not know.
func (p *Policy) failedKind(rd *raw, method string) Kind {
	if method == http.MethodOptions && len(rd.acrm) > 0 {
		return Preflight
	}
	return Actual
}

// Kind is not CORS, actual or preflight.
func (d *Decision) Kind() Kind { return d.kind }

// Allowed reports whether the cross-origin read is allowed (always, for a request that is not CORS).
func (d *Decision) Allowed() bool { return d.allowed }

// Reason says why the request was denied; ReasonNone when it was not.
func (d *Decision) Reason() Reason { return d.reason }

// OriginError says what is wrong with the Origin when Reason is ReasonOriginMalformed.
func (d *Decision) OriginError() OriginError { return d.originError }

// Status is the status to answer a preflight with (2xx when allowed, the policy's failure status when
// denied, 400 for more than 32 Access-Control-Request-Headers lines), and 0 for other requests.
func (d *Decision) Status() int { return int(d.status) }

// AnswerNow reports whether the request must be answered now, with Status, the headers and no body,
// instead of reaching the application: true exactly for preflights.
func (d *Decision) AnswerNow() bool { return d.kind == Preflight }

// Len is the number of headers to add.
func (d *Decision) Len() int { return int(d.n) }

// Header is header i, 0 <= i < Len, in emission order (ACAO, ACAC, ACAM, ACAH (one or more), ACMA,
// ACAPN, ACEH, Vary).
func (d *Decision) Header(i int) Header { return d.headers[:d.n][i] }

// Headers is a copy of every header to add, in emission order.
func (d *Decision) Headers() []Header { return append([]Header(nil), d.headers[:d.n]...) }

// Get is the value of the first header named name (as corsguard spells it), or "".
func (d *Decision) Get(name string) string {
	for _, h := range d.headers[:d.n] {
		if h.Name == name {
			return h.Value
		}
	}
	return ""
}

// AddTo adds the headers to a response's header map: Vary appended to what is there, the others set.
// Policy.Handler does the same without allocating; AddTo allocates one slice per header.
func (d *Decision) AddTo(h http.Header) {
	for i := 0; i < int(d.n); i++ {
		hd := d.headers[i]
		if hd.Name == hVary {
			h[hVary] = append(h[hVary], hd.Value)
			continue
		}
		if i > 0 && d.headers[i-1].Name == hd.Name {
			h[hd.Name] = append(h[hd.Name], hd.Value)
		} else {
			h[hd.Name] = []string{hd.Value}
		}
	}
}
