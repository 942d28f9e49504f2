package corsguard

// net/http middleware: preflights answered here, every other response given the decision's headers before
// the application writes it.

/*
#include "shim.h"
*/
import "C"

import (
	"net/http"
	"strings"
)

// Option configures Handler and Middleware.
type Option func(*handlerOptions)

type handlerOptions struct {
	onDecision func(*http.Request, Decision)
}

// OnDecision calls f with every decision, before the request is answered or passed on: for a log line
// (slog with d.Reason().Name() and d.Reason().Code()) or a metric. f runs on the request's goroutine and
// must not keep r beyond the call.
func OnDecision(f func(r *http.Request, d Decision)) Option {
	return func(o *handlerOptions) { o.onDecision = f }
}

// Handler guards next with the policy:
//   - a preflight is answered here with the decision's status, its headers and no body, and never reaches
//     next, whether allowed or denied;
//   - every other request (an OPTIONS without Access-Control-Request-Method included) reaches next with
//     the decision's headers already on the response, so they go out whatever status next writes;
//     a denied request gets only Vary, and the browser withholds the response from the page;
//   - Vary is appended to the response's Vary, never replacing it. Add to Vary in next with
//     w.Header().Add, not Set, or the policy's Vary is lost.
//
// Header values the policy owns are shared by every response: change them by replacing the slice in the
// header map, never by writing into it.
func (p *Policy) Handler(next http.Handler, opts ...Option) http.Handler {
	var o handlerOptions
	for _, opt := range opts {
		opt(&o)
	}
	return &handler{policy: p, next: next, onDecision: o.onDecision}
}

// Middleware is Handler for routers that take func(http.Handler) http.Handler (chi's Use, alice, ...).
func (p *Policy) Middleware(opts ...Option) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return p.Handler(next, opts...) }
}

type handler struct {
	policy     *Policy
	next       http.Handler
	onDecision func(*http.Request, Decision)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := h.policy
	if h.onDecision == nil && p.cannotMatch(r) {
		status := p.failureStatus
		if len(r.Header[hACRH]) > maxHeaderLines {
			status = http.StatusBadRequest // as a preflight the C library cannot read is answered below
		}
		h.deny(w, r, status)
		return
	}
	var rd raw
	p.decideInto(r, &rd)
	if h.onDecision != nil {
		var d Decision
		p.fill(&rd, r.Method, &d)
		h.onDecision(r, d)
	}
	out := w.Header()
	switch {
	case rd.notCORS:
		addVary(out, p.actualVary)
	case !rd.ok():
		h.deny(w, r, http.StatusBadRequest)
		return
	default:
		p.write(out, &rd)
		if Kind(rd.d.kind) == Preflight {
			w.WriteHeader(int(rd.d.status))
			return
		}
	}
	h.next.ServeHTTP(w, r)
}

// cannotMatch reports whether the request's one Origin line is none of the origins of a policy that lists
// exact origins only: the C library would deny it (it matches exact origins byte for byte, and a policy's
// origins are canonical), so the Handler answers it without crossing. Only without an OnDecision hook, which
// is given the C library's reason.
func (p *Policy) cannotMatch(r *http.Request) bool {
	if p.exact == nil {
		return false
	}
	origin := r.Header[hOrigin]
	if len(origin) != 1 {
		return false
	}
	if _, ok := p.exact[strings.Trim(origin[0], " \t")]; ok {
		return false
	}
	if p.closed.Load() {
		panic(errClosed)
	}
	return true
}

// deny answers a denied request with no CORS header but Vary: a preflight with preflightStatus and no body,
// any other request by the application.
func (h *handler) deny(w http.ResponseWriter, r *http.Request, preflightStatus int) {
	if r.Method == http.MethodOptions && len(r.Header[hACRM]) > 0 {
		addVary(w.Header(), h.policy.preflightVary)
		w.WriteHeader(preflightStatus)
		return
	}
	addVary(w.Header(), h.policy.actualVary)
	h.next.ServeHTTP(w, r)
}

func addVary(out http.Header, v *prepared) {
	if old := out[hVary]; len(old) > 0 {
		out[hVary] = append(old, v.value)
	} else {
		out[hVary] = v.lines[:1:1]
	}
}

// write sets the decision's headers on out. Values the policy owns go in as prepared one-element slices,
// and a value that is a whole request line as the request's own slice, so nothing is allocated for them.
func (p *Policy) write(out http.Header, rd *raw) {
	n := int(rd.d.count)
	for i := 0; i < n; i++ {
		h := &rd.d.headers[i]
		name := headerNames[h.name]
		switch h.src {
		case srcStatic:
			v := p.prepare(h)
			if h.name == nameVary {
				addVary(out, v)
			} else {
				out[name] = v.lines[:1:1]
			}
		case srcOrigin:
			out[name] = whole(rd.origin, h)
		case srcMethod:
			out[name] = whole(rd.acrm, h)
		case srcHeaders:
			// Echoed request header lines: one header line each, in order.
			j := i
			for j+1 < n && rd.d.headers[j+1].name == h.name {
				j++
			}
			out[name] = p.echoed(rd, i, j)
			i = j
		}
	}
}

// whole gives a value that lies in lines[0]: lines itself when the value is all of it and the only line.
func whole(lines []string, h *C.cg_header) []string {
	v := lines[0][int(h.at) : int(h.at)+int(h.len)]
	if len(lines) == 1 && len(v) == len(lines[0]) {
		return lines[:1:1]
	}
	return []string{v}
}

// echoed gives headers i..j, which may mix request lines and policy values, as one slice.
func (p *Policy) echoed(rd *raw, i, j int) []string {
	if j-i+1 == len(rd.acrh) {
		same := true
		for k := i; k <= j && same; k++ {
			h := &rd.d.headers[k]
			same = h.src == srcHeaders && int(h.line) == k-i && h.at == 0 && int(h.len) == len(rd.acrh[k-i])
		}
		if same {
			return rd.acrh[:len(rd.acrh):len(rd.acrh)]
		}
	}
	values := make([]string, 0, j-i+1)
	for k := i; k <= j; k++ {
		v, _ := p.value(rd, k)
		values = append(values, v)
	}
	return values
}
