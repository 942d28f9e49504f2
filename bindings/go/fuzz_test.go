package corsguard

// FuzzDecide: arbitrary header lines against a few policies; the answer must never carry CR, LF or NUL,
// never allow what the policy does not name, and be the same through Decide and through Handler.

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

var fuzzConfigs = []Config{
	appConfig,
	{Origins: []string{"*"}, Methods: []string{"*"}, RequestHeaders: []string{"*"}, ExposedHeaders: []string{"*"}},
	{Origins: []string{"https://app.example.com", "http://127.0.0.1:*"}, Credentials: true, Methods: []string{"*"},
		RequestHeaders: []string{"*", "authorization"}, PrivateNetwork: true},
	{Origins: []string{"https://app.example.com"}, MaxOriginLen: 30, MaxRequestHeadersLen: 40,
		MaxRequestHeadersCount: 2, RequestHeaders: []string{"x-a", "x-b"}},
}

// lines splits a fuzzed header into its lines; "" is no line at all.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func trimOWS(s string) string { return strings.Trim(s, " \t") }

func FuzzDecide(f *testing.F) {
	f.Add(uint8(0), "GET", "https://app.example.com", "", "", "")
	f.Add(uint8(0), "OPTIONS", "https://api.example.com", "PUT", "content-type,x-request-id", "")
	f.Add(uint8(0), "OPTIONS", "http://localhost:8080", "DELETE", "x-request-id\n content-type", "")
	f.Add(uint8(0), "OPTIONS", "https://example.com.evil.net", "GET", "", "")
	f.Add(uint8(1), "OPTIONS", "null", "PURGE", "x-anything", "")
	f.Add(uint8(2), "OPTIONS", " http://127.0.0.1:3000\t", "PATCH", "Authorization, X-Y", "true")
	f.Add(uint8(2), "OPTIONS", "https://app.example.com", "PUT", "a\nb\nc\nd\ne\nf\ng\nh\ni", "true\ntrue")
	f.Add(uint8(3), "OPTIONS", "https://app.example.com", "GET", "x-a,x-b,x-a", "")
	f.Add(uint8(3), "GET", "https://app.example.com\nhttps://app.example.com", "", "", "")
	f.Add(uint8(0), "GET", "https://APP.example.com:443/x?y#z", "", "", "")
	f.Add(uint8(1), "OPTIONS", "https://xn--bcher-kva.example\x00", "TRACE", "\r\n", "")
	var policies []*Policy
	for _, cfg := range fuzzConfigs {
		policies = append(policies, newTestPolicy(f, cfg))
	}
	f.Fuzz(func(t *testing.T, which uint8, method, origin, acrm, acrh, acrpn string) {
		cfg := fuzzConfigs[int(which)%len(fuzzConfigs)]
		p := policies[int(which)%len(policies)]
		r := httptest.NewRequest("GET", "/", nil)
		r.Method = method
		for name, v := range map[string]string{hOrigin: origin, hACRM: acrm, hACRH: acrh, hACRPN: acrpn} {
			if l := lines(v); l != nil {
				r.Header[name] = l
			}
		}
		d := p.Decide(r)
		checkOracle(t, cfg, r, &d)

		handlerAgrees(t, p, r, &d)
	})
}

// checkOracle holds one decision to what the policy says, independently of how corsguard decides.
func checkOracle(t *testing.T, cfg Config, r *http.Request, d *Decision) {
	origin := r.Header[hOrigin]
	if (d.Kind() == NotCORS) != (len(origin) == 0) {
		t.Fatalf("kind %s with %d Origin lines", d.Kind(), len(origin))
	}
	if d.Kind() == NotCORS && !d.Allowed() {
		t.Fatal("a request that is not CORS was denied")
	}
	for _, h := range d.Headers() {
		if strings.ContainsAny(h.Value, "\r\n\x00") {
			t.Fatalf("%s: %q carries CR, LF or NUL", h.Name, h.Value)
		}
	}
	acao := d.Get("Access-Control-Allow-Origin")
	if !d.Allowed() || d.Kind() == NotCORS {
		for _, h := range d.Headers() {
			if h.Name != hVary {
				t.Fatalf("%s %s decision carries %s", d.Kind(), d.Reason().Name(), h.Name)
			}
		}
		return
	}
	if acao == "" {
		t.Fatal("allowed CORS request without Access-Control-Allow-Origin")
	}
	if acao == "*" {
		if cfg.Origins[0] != "*" || d.Get("Access-Control-Allow-Credentials") != "" {
			t.Fatalf("ACAO * under %v, credentials %q", cfg.Origins, d.Get("Access-Control-Allow-Credentials"))
		}
	} else if len(origin) != 1 || acao != trimOWS(origin[0]) || !originNamed(cfg.Origins, acao) {
		t.Fatalf("ACAO %q for Origin %q under %v", acao, origin, cfg.Origins)
	}
	if d.Kind() != Preflight {
		return
	}
	method := trimOWS(r.Header[hACRM][0])
	methods := cfg.Methods
	if methods == nil {
		methods = []string{"GET", "HEAD", "POST"}
	}
	if method == "CONNECT" || method == "TRACE" || method == "TRACK" ||
		methods[0] != "*" && !contains(methods, method, false) {
		t.Fatalf("method %q allowed under %v", method, cfg.Methods)
	}
	for _, line := range r.Header[hACRH] {
		for _, name := range strings.Split(line, ",") {
			name = strings.ToLower(trimOWS(name))
			if name == "" {
				continue
			}
			anyHeader := len(cfg.RequestHeaders) > 0 && cfg.RequestHeaders[0] == "*"
			if !anyHeader && !contains(cfg.RequestHeaders, name, true) ||
				anyHeader && len(cfg.RequestHeaders) == 1 && name == "authorization" {
				t.Fatalf("request header %q allowed under %v", name, cfg.RequestHeaders)
			}
		}
	}
	if d.Get("Access-Control-Allow-Private-Network") != "" && !cfg.PrivateNetwork {
		t.Fatal("private network allowed by a policy without it")
	}
}

func contains(list []string, s string, fold bool) bool {
	for _, x := range list {
		if x == s || fold && strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// originNamed reports whether the policy names the origin: an exact entry, or a pattern matching it label by
// label ("https://*.example.com": one or more labels before .example.com; "http://localhost:*": any port
// or none).
func originNamed(origins []string, o string) bool {
	for _, entry := range origins {
		switch {
		case entry == o:
			return true
		case strings.Contains(entry, "://*."):
			scheme, suffix, _ := strings.Cut(entry, "*")
			host := strings.TrimPrefix(o, scheme)
			if strings.HasPrefix(o, scheme) && strings.HasSuffix(host, suffix) && len(host) > len(suffix) &&
				!strings.ContainsAny(host, ":/") {
				return true
			}
		case strings.HasSuffix(entry, ":*"):
			if o == strings.TrimSuffix(entry, ":*") {
				return true // any port, or none
			}
			prefix := strings.TrimSuffix(entry, "*")
			port := strings.TrimPrefix(o, prefix)
			if strings.HasPrefix(o, prefix) && port != "" && strings.Trim(port, "0123456789") == "" {
				return true
			}
		}
	}
	return false
}

// handlerAgrees fails t unless p's Handler answers r as Decide decided d: the same headers, and the request
// answered at once exactly when d is, with d's status.
func handlerAgrees(t *testing.T, p *Policy, r *http.Request, d *Decision) {
	t.Helper()
	w := httptest.NewRecorder()
	reached := false
	p.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true })).ServeHTTP(w, r)
	want := http.Header{}
	for _, h := range d.Headers() {
		want[h.Name] = append(want[h.Name], h.Value)
	}
	if !reflect.DeepEqual(w.Header(), want) && !(len(w.Header()) == 0 && len(want) == 0) {
		t.Fatalf("Handler wrote %q, Decide says %q", w.Header(), want)
	}
	if reached == d.AnswerNow() || (d.AnswerNow() && w.Code != d.Status()) {
		t.Fatalf("Handler: reached %v, status %d, for %s with status %d", reached, w.Code, d.Kind(), d.Status())
	}
}
