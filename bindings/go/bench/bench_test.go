// Package bench times corsguard's net/http middleware against jub0bs/cors and rs/cors on the same seven
// requests, the same policy and the same reusable ResponseWriter. It is its own module so that the
// library itself depends on neither peer. Results and the command: BENCHMARKS.md.
package bench

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	corsguard "example.invalid/corsguard/bindings/go"
	jub0bs "github.com/jub0bs/cors"
	rs "github.com/rs/cors"
)

// policy is the one policy every library is given, in its own words.
type policy struct {
	origins        []string
	methods        []string
	requestHeaders []string
	maxAge         int
}

var (
	methods        = []string{"GET", "POST", "PUT", "DELETE"}
	requestHeaders = []string{"authorization", "content-type", "x-request-id", "x-custom-1", "x-custom-2"}
	small          = policy{[]string{"https://app.example.com"}, methods, requestHeaders, 600}
	large          = policy{thousandOrigins(), methods, requestHeaders, 600}
)

func thousandOrigins() []string {
	origins := make([]string, 1000)
	for i := range origins {
		origins[i] = fmt.Sprintf("https://app%04d.example.com", i)
	}
	return origins
}

type library struct {
	name string
	wrap func(policy, http.Handler) http.Handler
}

var libraries = []library{
	{"corsguard", func(p policy, h http.Handler) http.Handler {
		cg, err := corsguard.NewPolicy(corsguard.Config{Origins: p.origins, Credentials: true, Methods: p.methods,
			RequestHeaders: p.requestHeaders, MaxAge: p.maxAge})
		if err != nil {
			panic(err)
		}
		return cg.Handler(h)
	}},
	{"jub0bs", func(p policy, h http.Handler) http.Handler {
		m, err := jub0bs.NewMiddleware(jub0bs.Config{Origins: p.origins, Credentialed: true, Methods: p.methods,
			RequestHeaders: p.requestHeaders, MaxAgeInSeconds: p.maxAge})
		if err != nil {
			panic(err)
		}
		return m.Wrap(h)
	}},
	{"rs", func(p policy, h http.Handler) http.Handler {
		return rs.New(rs.Options{AllowedOrigins: p.origins, AllowCredentials: true, AllowedMethods: p.methods,
			AllowedHeaders: p.requestHeaders, MaxAge: p.maxAge}).Handler(h)
	}},
}

type benchCase struct {
	name    string
	policy  policy
	method  string
	headers map[string]string
	// allowed (Access-Control-Allow-Origin sent) and preflight say what every library must answer,
	// checked before timing.
	allowed, preflight bool
}

var cases = []benchCase{
	{"actual_allowed", small, "GET", map[string]string{"Origin": "https://app.example.com"}, true, false},
	{"actual_denied", small, "GET", map[string]string{"Origin": "https://evil.example.net"}, false, false},
	{"preflight_1_header", small, "OPTIONS", map[string]string{"Origin": "https://app.example.com",
		"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type"}, true, true},
	{"preflight_5_headers", small, "OPTIONS", map[string]string{"Origin": "https://app.example.com",
		"Access-Control-Request-Method":  "PUT",
		"Access-Control-Request-Headers": "authorization,content-type,x-custom-1,x-custom-2,x-request-id"}, true, true},
	{"preflight_denied", small, "OPTIONS", map[string]string{"Origin": "https://evil.example.net",
		"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type"}, false, true},
	{"1000_origins", large, "GET", map[string]string{"Origin": "https://app0999.example.com"}, true, false},
	{"not_cors", small, "GET", map[string]string{}, false, false},
}

// writer is a ResponseWriter reused across iterations: its header map is cleared, not reallocated.
type writer struct {
	h    http.Header
	code int
}

func (w *writer) Header() http.Header         { return w.h }
func (w *writer) Write(b []byte) (int, error) { return len(b), nil }
func (w *writer) WriteHeader(code int)        { w.code = code }

var app = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})

func BenchmarkMiddleware(b *testing.B) {
	for _, c := range cases {
		req := httptest.NewRequest(c.method, "https://api.example.com/items", nil)
		for k, v := range c.headers {
			req.Header.Set(k, v)
		}
		for _, lib := range libraries {
			h := lib.wrap(c.policy, app)
			w := &writer{h: http.Header{}}
			h.ServeHTTP(w, req)
			if got := w.h.Get("Access-Control-Allow-Origin") != ""; got != c.allowed {
				b.Fatalf("%s %s: allowed %v, want %v (%v)", c.name, lib.name, got, c.allowed, w.h)
			}
			b.Run(c.name+"/"+lib.name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					clear(w.h)
					h.ServeHTTP(w, req)
				}
			})
		}
	}
}
