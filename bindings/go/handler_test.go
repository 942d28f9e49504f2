package corsguard

// The middleware behind httptest and behind a real http.Server on loopback, its hook, Close, allocations
// and concurrent use.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

var appConfig = Config{
	Origins:        []string{"https://app.example.com", "https://*.example.com", "http://localhost:*"},
	Credentials:    true,
	Methods:        []string{"GET", "HEAD", "POST", "PUT", "DELETE"},
	RequestHeaders: []string{"content-type", "x-request-id"},
	ExposedHeaders: []string{"x-request-id"},
	MaxAge:         600,
}

func newTestPolicy(t testing.TB, cfg Config) *Policy {
	t.Helper()
	p, err := NewPolicy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func request(method string, headers ...string) *http.Request {
	r := httptest.NewRequest(method, "/api/items", nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header[headers[i]] = append(r.Header[headers[i]], headers[i+1])
	}
	return r
}

// app is the application behind the middleware: it adds its own Vary and answers with a chosen status.
func app(status int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		w.Header().Set("X-Request-Id", "42")
		w.WriteHeader(status)
		io.WriteString(w, `{"method":"`+r.Method+`"}`)
	})
}

func TestHandlerSemantics(t *testing.T) {
	p := newTestPolicy(t, appConfig)
	h := p.Handler(app(http.StatusOK))
	serve := func(r *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	w := serve(request("OPTIONS", hOrigin, "https://api.example.com", hACRM, "PUT", hACRH, "content-type"))
	if w.Code != 204 || w.Body.Len() != 0 || w.Header().Get("Access-Control-Allow-Origin") != "https://api.example.com" ||
		w.Header().Get("Access-Control-Max-Age") != "600" || w.Header().Get("X-Request-Id") != "" {
		t.Errorf("allowed preflight: %d %q %q", w.Code, w.Header(), w.Body.String())
	}
	w = serve(request("OPTIONS", hOrigin, "https://evil.example.net", hACRM, "PUT"))
	if w.Code != 403 || w.Body.Len() != 0 || len(w.Header()) != 1 || len(w.Header()["Vary"]) != 1 {
		t.Errorf("denied preflight: %d %q", w.Code, w.Header())
	}
	// OPTIONS without Access-Control-Request-Method is an actual request: the application answers it.
	w = serve(request("OPTIONS", hOrigin, "https://app.example.com"))
	if w.Code != 200 || w.Body.String() != `{"method":"OPTIONS"}` || w.Header().Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("OPTIONS without ACRM: %d %q", w.Code, w.Header())
	}
	// The headers go out whatever the application's status, and its Vary is kept beside the policy's.
	w = httptest.NewRecorder()
	p.Handler(app(http.StatusInternalServerError)).ServeHTTP(w, request("GET", hOrigin, "https://app.example.com"))
	if w.Code != 500 || w.Header().Get("Access-Control-Allow-Credentials") != "true" ||
		!reflect.DeepEqual(w.Header()["Vary"], []string{"Origin", "Accept-Encoding"}) {
		t.Errorf("actual request, status 500: %d %q", w.Code, w.Header())
	}
	// Vary already on the response before the middleware runs is appended to, not replaced.
	w = httptest.NewRecorder()
	w.Header().Set("Vary", "Cookie")
	p.Handler(http.NotFoundHandler()).ServeHTTP(w, request("GET"))
	if !reflect.DeepEqual(w.Header()["Vary"], []string{"Cookie", "Origin"}) {
		t.Errorf("Vary replaced: %q", w.Header()["Vary"])
	}
	// Denied actual request: the application answers, with only Vary from the policy.
	w = serve(request("GET", hOrigin, "https://example.com.evil.net"))
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("denied actual request: %d %q", w.Code, w.Header())
	}
	// More Access-Control-Request-Headers lines than the C library reads: a denied preflight, 400.
	lines := []string{hOrigin, "https://app.example.com", hACRM, "PUT"}
	for i := 0; i < 33; i++ {
		lines = append(lines, hACRH, "content-type")
	}
	w = serve(request("OPTIONS", lines...))
	if w.Code != 400 || w.Header().Get("Access-Control-Allow-Origin") != "" || len(w.Header()["Vary"]) != 1 {
		t.Errorf("33 ACRH lines: %d %q", w.Code, w.Header())
	}
	d := p.Decide(request("OPTIONS", lines...))
	if d.Kind() != Preflight || d.Allowed() || d.Status() != 400 || d.Reason() != ReasonHeadersTooMany {
		t.Errorf("33 ACRH lines: %v %v %d %v", d.Kind(), d.Allowed(), d.Status(), d.Reason().Name())
	}
	// Several lines, up to the C library's 32, are read as one list.
	lines = lines[:4+2*32]
	if w = serve(request("OPTIONS", lines...)); w.Code != 204 {
		t.Errorf("32 ACRH lines: %d %q", w.Code, w.Header())
	}
}

func TestMiddlewareAndOnDecision(t *testing.T) {
	p := newTestPolicy(t, appConfig)
	var got []string
	mw := p.Middleware(OnDecision(func(r *http.Request, d Decision) {
		got = append(got, fmt.Sprintf("%s %v %s %d", d.Kind(), d.Allowed(), d.Reason().Name(), d.Reason().Code()))
	}))
	h := mw(app(200))
	for _, r := range []*http.Request{
		request("GET"),
		request("GET", hOrigin, "https://app.example.com"),
		request("OPTIONS", hOrigin, "https://app.example.com", hACRM, "PATCH"),
		request("GET", hOrigin, "null"),
	} {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	want := []string{"not_cors true none 0", "actual true none 0", "preflight false method_not_allowed 8",
		"actual false origin_null 4"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("OnDecision saw %q, want %q", got, want)
	}
}

// TestRealServer runs the middleware in an http.Server on loopback, over real connections, twice: in
// httptest.NewServer and in an http.Server of our own.
func TestRealServer(t *testing.T) {
	p := newTestPolicy(t, appConfig)
	handler := p.Handler(app(200))

	ts := httptest.NewServer(handler)
	defer ts.Close()
	checkOverHTTP(t, ts.URL)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	checkOverHTTP(t, "http://"+ln.Addr().String())
}

func checkOverHTTP(t *testing.T, base string) {
	t.Helper()
	do := func(method string, headers ...string) *http.Response {
		req, err := http.NewRequest(method, base+"/api/items", nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Add(headers[i], headers[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	res := do("OPTIONS", "Origin", "http://localhost:3000", "Access-Control-Request-Method", "DELETE",
		"Access-Control-Request-Headers", "x-request-id", "Access-Control-Request-Headers", " content-type ")
	if res.StatusCode != 204 || res.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		res.Header.Get("Access-Control-Allow-Headers") != "content-type, x-request-id" {
		t.Errorf("preflight over HTTP: %d %q", res.StatusCode, res.Header)
	}
	res = do("PUT", "Origin", "https://app.example.com")
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Expose-Headers") != "x-request-id" ||
		!reflect.DeepEqual(res.Header.Values("Vary"), []string{"Origin", "Accept-Encoding"}) {
		t.Errorf("actual over HTTP: %d %q", res.StatusCode, res.Header)
	}
	res = do("OPTIONS", "Origin", "https://app.example.com", "Access-Control-Request-Method", "TRACE")
	if res.StatusCode != 403 || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("forbidden method over HTTP: %d %q", res.StatusCode, res.Header)
	}
}

func TestClose(t *testing.T) {
	p, err := NewPolicy(appConfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p.Close() // twice: nothing
	defer func() {
		if recover() != errClosed {
			t.Error("Decide after Close did not panic with errClosed")
		}
	}()
	p.Decide(request("GET", hOrigin, "https://app.example.com"))
}

// TestNotCORSIsTheLibrarysAnswer holds the answer decided in Go for requests without Origin to the one
// the C library gives, for every kind of policy.
func TestNotCORSIsTheLibrarysAnswer(t *testing.T) {
	for _, cfg := range []Config{appConfig, {Origins: []string{"*"}}, {Origins: []string{"https://a.example"}, PrivateNetwork: true}} {
		p := newTestPolicy(t, cfg)
		for _, method := range []string{"GET", "OPTIONS"} {
			var fromGo, fromC Decision
			r := request(method, hACRM, "GET")
			p.fill(p.decide(method, nil, nil, nil, nil), method, &fromGo)
			var rd raw
			p.decideLines(method, nil, []string{"GET"}, nil, nil, &rd)
			p.fill(&rd, method, &fromC)
			if !reflect.DeepEqual(fromGo, fromC) || !reflect.DeepEqual(p.Decide(r), fromC) {
				t.Errorf("%v %s: Go %+v, C %+v", cfg.Origins, method, fromGo, fromC)
			}
		}
	}
}

// A writer whose header map is reused, as a server's is not: only the middleware's own allocations count.
type reusedWriter struct{ h http.Header }

func (w *reusedWriter) Header() http.Header         { return w.h }
func (w *reusedWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *reusedWriter) WriteHeader(int)             {}

func TestNoAllocations(t *testing.T) {
	p := newTestPolicy(t, appConfig)
	h := p.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for name, r := range map[string]*http.Request{
		"not CORS":                  request("GET"),
		"actual allowed":            request("GET", hOrigin, "https://app.example.com"),
		"actual allowed by pattern": request("GET", hOrigin, "https://api.example.com"),
		"actual denied":             request("GET", hOrigin, "https://evil.example.net"),
		"preflight allowed": request("OPTIONS", hOrigin, "https://app.example.com", hACRM, "PUT",
			hACRH, "content-type,x-request-id"),
		"preflight on two lines": request("OPTIONS", hOrigin, "https://app.example.com", hACRM, "PUT",
			hACRH, "content-type", hACRH, "x-request-id"),
		"preflight denied": request("OPTIONS", hOrigin, "https://app.example.com", hACRM, "PATCH"),
	} {
		w := &reusedWriter{h: http.Header{}}
		if n := testing.AllocsPerRun(200, func() { clear(w.h); h.ServeHTTP(w, r) }); n != 0 {
			t.Errorf("Handler, %s: %v allocations", name, n)
		}
		if n := testing.AllocsPerRun(200, func() { p.Decide(r) }); n != 0 {
			t.Errorf("Decide, %s: %v allocations", name, n)
		}
	}
	// Echoing under credentials with any request header: the request's own lines are reused.
	echo := newTestPolicy(t, Config{Origins: []string{"https://app.example.com"}, Credentials: true,
		Methods: []string{"*"}, RequestHeaders: []string{"*"}})
	r := request("OPTIONS", hOrigin, "https://app.example.com", hACRM, "PURGE", hACRH, "x-a,x-b", hACRH, "x-c")
	w := &reusedWriter{h: http.Header{}}
	eh := echo.Handler(http.NotFoundHandler())
	if n := testing.AllocsPerRun(200, func() { clear(w.h); eh.ServeHTTP(w, r) }); n != 0 {
		t.Errorf("echoing preflight: %v allocations", n)
	}
	if got := w.h["Access-Control-Allow-Headers"]; !reflect.DeepEqual(got, []string{"x-a,x-b", "x-c"}) {
		t.Errorf("echoed ACAH %q", got)
	}
}

// TestConcurrentDecisions decides from 32 goroutines at once with one policy (run under -race), each
// checking its answers against the ones decided alone.
func TestConcurrentDecisions(t *testing.T) {
	p := newTestPolicy(t, appConfig)
	h := p.Handler(app(200))
	requests := []*http.Request{
		request("GET"),
		request("GET", hOrigin, "https://app.example.com"),
		request("GET", hOrigin, " https://w.example.com "),
		request("GET", hOrigin, "https://evil.example.net"),
		request("OPTIONS", hOrigin, "http://localhost:8080", hACRM, "DELETE", hACRH, "x-request-id"),
		request("OPTIONS", hOrigin, "https://app.example.com", hACRM, "PUT", hACRH, "content-type", hACRH, "x-request-id"),
		request("OPTIONS", hOrigin, "https://app.example.com", hACRM, "PUT", hACRH, "authorization"),
	}
	want := make([]Decision, len(requests))
	wantHeaders := make([]http.Header, len(requests))
	for i, r := range requests {
		want[i] = p.Decide(r)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		wantHeaders[i] = w.Header()
	}
	var wg sync.WaitGroup
	errs := make(chan string, 32)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for n := 0; n < 300; n++ {
				i := (g + n) % len(requests)
				if d := p.Decide(requests[i]); !reflect.DeepEqual(d, want[i]) {
					errs <- fmt.Sprintf("goroutine %d, request %d: %+v", g, i, d)
					return
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, requests[i])
				if !reflect.DeepEqual(w.Header(), wantHeaders[i]) {
					errs <- fmt.Sprintf("goroutine %d, request %d: headers %q", g, i, w.Header())
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestPolicyErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no_origins origins -1"},
		{Config{Origins: []string{"https://a.example", "https://a.example/path"}}, "origin_malformed origins 1"},
		{Config{Origins: []string{"https://a.example"}, MaxAge: -2}, "max_age_out_of_range max_age -1"},
		{Config{Origins: []string{"https://a.example"}, MaxAge: 86401}, "max_age_out_of_range max_age -1"},
		{Config{Origins: []string{"https://a.example"}, PreflightFailureStatus: 302}, "status_out_of_range preflight_failure_status -1"},
		{Config{Origins: []string{"https://a.example"}, PreflightSuccessStatus: -1}, "status_out_of_range preflight_success_status -1"},
		{Config{Origins: []string{"https://a.example"}, MaxRequestHeadersCount: -1}, "cap_out_of_range max_request_headers_count -1"},
		{Config{Origins: []string{"https://a.example"}, Credentials: true, ExposedHeaders: []string{"*"}}, "expose_any_with_credentials exposed_headers -1"},
		{Config{Origins: []string{"https://a.example"}, RequestHeaders: []string{"*", "x-a"}}, "wildcard_in_list request_headers 0"},
	} {
		_, err := NewPolicy(c.cfg)
		var pe *PolicyError
		if !errorsAs(err, &pe) {
			t.Errorf("%+v: %v", c.cfg, err)
			continue
		}
		if got := fmt.Sprintf("%s %s %d", pe.Kind.Name(), pe.Setting, pe.Index); got != c.want {
			t.Errorf("%+v: %s, want %s", c.cfg, got, c.want)
		}
		if !strings.HasPrefix(err.Error(), "corsguard: invalid policy: ") {
			t.Errorf("message %q", err)
		}
	}
	// "*" with Authorization, in either order and any case, is any request header with Authorization.
	for _, l := range [][]string{{"*", "Authorization"}, {"authorization", "*"}} {
		p := newTestPolicy(t, Config{Origins: []string{"https://a.example"}, RequestHeaders: l})
		d := p.Decide(request("OPTIONS", hOrigin, "https://a.example", hACRM, "GET", hACRH, "authorization,x-y"))
		if !d.Allowed() {
			t.Errorf("%q: %s", l, d.Reason().Name())
		}
	}
}

// A policy of exact origins only lets the Handler deny an Origin it cannot match without crossing into C
// (when there is no OnDecision hook, which always crosses). Both ways must answer alike, byte for byte.
func TestExactOriginsDeniedInGoAsInC(t *testing.T) {
	for _, cfg := range []Config{
		{Origins: []string{"https://app.example.com", "http://localhost:8080"}, Credentials: true,
			Methods: []string{"GET", "PUT"}, RequestHeaders: []string{"content-type"}, MaxAge: 600},
		{Origins: []string{"https://app.example.com"}, PrivateNetwork: true, PreflightFailureStatus: 400},
		{Origins: []string{"https://*.example.com"}}, // a pattern: every request crosses
	} {
		p, err := NewPolicy(cfg)
		if err != nil {
			t.Fatal(err)
		}
		tooMany := []string{"OPTIONS", hOrigin, "https://evil.example", hACRM, "PUT"}
		for i := 0; i < maxHeaderLines+1; i++ {
			tooMany = append(tooMany, hACRH, "x-a")
		}
		for _, req := range [][]string{
			{"GET", hOrigin, "https://evil.example"},
			{"GET", hOrigin, " https://app.example.com\t"},
			{"GET", hOrigin, "https://APP.example.com"},
			{"GET", hOrigin, "null"},
			{"GET", hOrigin, "https://app.example.com", hOrigin, "https://app.example.com"},
			{"OPTIONS", hOrigin, "https://evil.example"},
			{"OPTIONS", hOrigin, "https://evil.example", hACRM, "PUT"},
			{"OPTIONS", hOrigin, "https://evil.example", hACRM, "PUT", hACRPN, "true"},
			{"OPTIONS", hOrigin, "https://app.example.com", hACRM, "PUT", hACRH, "content-type"},
			{"OPTIONS", hOrigin, "http://localhost:8080", hACRM, ""},
			tooMany,
		} {
			fast, crossed := httptest.NewRecorder(), httptest.NewRecorder()
			p.Handler(app(http.StatusOK)).ServeHTTP(fast, request(req[0], req[1:]...))
			p.Handler(app(http.StatusOK), OnDecision(func(*http.Request, Decision) {})).ServeHTTP(crossed,
				request(req[0], req[1:]...))
			if fast.Code != crossed.Code || !reflect.DeepEqual(fast.Header(), crossed.Header()) ||
				fast.Body.String() != crossed.Body.String() {
				t.Errorf("%v %q: without a hook %d %q %q, with one %d %q %q", cfg.Origins, req, fast.Code,
					fast.Header(), fast.Body, crossed.Code, crossed.Header(), crossed.Body)
			}
		}
		p.Close()
	}
}
