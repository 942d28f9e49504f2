package corsguard

// FuzzParsePolicy: arbitrary policy-file text, then one request. ParsePolicy never panics; a refusal is a
// *PolicyFileError with either a syntax error or a policy error, a line that exists and a column in it; a
// policy it builds decides like FuzzDecide's policies: no CR, LF or NUL in an answer, only Vary when denied,
// Decide and Handler alike. (scripts/test-fuzz.sh fuzzes it; docs/fuzzing.md, "Bindings".)

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

func FuzzParsePolicy(f *testing.F) {
	f.Add("origins = https://app.example.com\nmethods = GET, PUT\n", "OPTIONS", "https://app.example.com", "PUT", "", "")
	f.Add("origins = https://*.example.com, http://localhost:*\r\ncredentials = true\r\nrequest-headers = *, authorization\r\n",
		"OPTIONS", "http://localhost:8080", "DELETE", "x-a,authorization", "true")
	f.Add("# comment\norigins = *\nmethods = *\nexposed-headers = *\nmax-age = 600\n", "GET", "https://a.example", "", "", "")
	f.Add("origins = https://app.example.com\nprivate-network = true\nmax-origin-len = 30\n", "OPTIONS",
		" https://app.example.com\t", "GET", "", "true\ntrue")
	f.Add("origins = https://a.example, http://b.example\ncredentials = true", "GET", "http://b.example", "", "", "")
	f.Add("origins =\nmethods = *, GET\nmax-age = -1\nfoo = bar\n", "GET", "", "", "", "")
	f.Add("origins = https://a.example\nmethods = GET,,PUT\n", "OPTIONS", "https://a.example", "PUT", "", "")
	f.Fuzz(func(t *testing.T, text, method, origin, acrm, acrh, acrpn string) {
		p, err := ParsePolicy(text)
		if err != nil {
			checkPolicyFileError(t, text, err)
			return
		}
		defer p.Close()
		r := httptest.NewRequest("GET", "/", nil)
		r.Method = method
		for name, v := range map[string]string{hOrigin: origin, hACRM: acrm, hACRH: acrh, hACRPN: acrpn} {
			if l := lines(v); l != nil {
				r.Header[name] = l
			}
		}
		d := p.Decide(r)
		if (d.Kind() == NotCORS) != (len(r.Header[hOrigin]) == 0) {
			t.Fatalf("kind %s with %d Origin lines", d.Kind(), len(r.Header[hOrigin]))
		}
		for _, h := range d.Headers() {
			if strings.ContainsAny(h.Value, "\r\n\x00") {
				t.Fatalf("%s: %q carries CR, LF or NUL", h.Name, h.Value)
			}
			if (!d.Allowed() || d.Kind() == NotCORS) && h.Name != hVary {
				t.Fatalf("%s %s decision carries %s", d.Kind(), d.Reason().Name(), h.Name)
			}
		}
		handlerAgrees(t, p, r, &d)
	})
}

// checkPolicyFileError holds a refusal to what ParsePolicy documents.
func checkPolicyFileError(t *testing.T, text string, err error) {
	var fe *PolicyFileError
	if !errors.As(err, &fe) {
		t.Fatalf("ParsePolicy refused with %T (%v), not a *PolicyFileError", err, err)
	}
	if (fe.Syntax != 0) == (fe.Policy != nil) {
		t.Fatalf("syntax error %d and policy error %v: exactly one is expected", fe.Syntax, fe.Policy)
	}
	if fe.Message == "" || err.Error() == "" {
		t.Fatal("a refusal without a message")
	}
	if fe.Line == 0 {
		if fe.Column != 0 || fe.Syntax != 0 {
			t.Fatalf("line 0 with column %d, syntax error %d", fe.Column, fe.Syntax)
		}
		return
	}
	all := strings.Split(text, "\n")
	if fe.Line > len(all) {
		t.Fatalf("line %d of a text of %d lines", fe.Line, len(all))
	}
	line := all[fe.Line-1]
	if fe.Line < len(all) {
		line = strings.TrimSuffix(line, "\r")
	}
	if fe.Column < 1 || fe.Column > len(line)+1 {
		t.Fatalf("column %d of a line of %d bytes", fe.Column, len(line))
	}
}
