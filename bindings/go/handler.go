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
	if h.onDecision == nil && p.exact != nil && h.deniedInGo(w, r) {
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
		if p.failedKind(&rd, r.Method) == Preflight {
			addVary(out, p.preflightVary)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		addVary(out, p.actualVary)
	default:
		p.write(out, &rd)
		if Kind(rd.d.kind) == Preflight {
			w.WriteHeader(int(rd.d.status))
			return
		}
	}
	h.next.ServeHTTP(w, r)
}

// deniedInGo answers a request whose one Origin line a policy of exact origins cannot match, as the C
// library would (denied: Vary, and for a preflight the failure status), and reports whether it did. Only
// without an OnDecision hook, which is given the C library's reason.
func (h *handler) deniedInGo(w http.ResponseWriter, r *http.Request) bool {
	p := h.policy
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
	out := w.Header()
	if r.Method == http.MethodOptions && len(r.Header[hACRM]) > 0 {
		addVary(out, p.preflightVary)
		if len(r.Header[hACRH]) > maxHeaderLines {
			w.WriteHeader(http.StatusBadRequest) // as the C path answers a preflight it cannot read
		} else {
			w.WriteHeader(p.failureStatus)
		}
		return true
	}
	addVary(out, p.actualVary)
	h.next.ServeHTTP(w, r)
	return true
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
