package corsguard

// Every shared vector in tests/vectors/ (docs/vectors.md), through Decide and through Handler.

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// vectorsDir is where the shared vectors are: the repository's tests/vectors, or $CORSGUARD_VECTORS.
func vectorsDir(t testing.TB) string {
	if dir := os.Getenv("CORSGUARD_VECTORS"); dir != "" {
		return dir
	}
	dir := filepath.Join("..", "..", "tests", "vectors")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("tests/vectors not found (outside the repository): set CORSGUARD_VECTORS")
	}
	return dir
}

// byteString is a vector's byte string: a JSON string, or {"hex": "..."} for bytes that are not UTF-8.
type byteString string

func (b *byteString) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*b = byteString(s)
		return nil
	}
	var h struct {
		Hex string `json:"hex"`
	}
	if err := json.Unmarshal(data, &h); err != nil {
		return err
	}
	raw, err := hex.DecodeString(h.Hex)
	*b = byteString(raw)
	return err
}

// listOrStar is a policy list: an array of names, or a string ("*", "*+authorization").
type listOrStar struct {
	star  string
	items []string
}

func (l *listOrStar) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, &l.star); err == nil {
		return nil
	}
	var items []byteString
	if err := json.Unmarshal(data, &items); err != nil {
		return err
	}
	l.items = make([]string, len(items)) // non-nil: an empty array is an empty list
	for i, s := range items {
		l.items[i] = string(s)
	}
	return nil
}

func (l *listOrStar) config() []string {
	switch {
	case l == nil:
		return nil
	case l.star == "*":
		return []string{"*"}
	case l.star == "*+authorization":
		return []string{"*", "authorization"}
	case l.star != "":
		panic("unknown list value " + l.star)
	}
	return l.items
}

type vectorPolicy struct {
	Origins                             []byteString `json:"origins"`
	Credentials                         bool         `json:"credentials"`
	Methods                             *listOrStar  `json:"methods"`
	RequestHeaders                      *listOrStar  `json:"request_headers"`
	ExposedHeaders                      *listOrStar  `json:"exposed_headers"`
	MaxAge                              *int64       `json:"max_age"`
	PreflightSuccessStatus              *int         `json:"preflight_success_status"`
	PreflightFailureStatus              *int         `json:"preflight_failure_status"`
	PrivateNetwork                      bool         `json:"private_network"`
	AllowInsecureOriginsWithCredentials bool         `json:"allow_insecure_origins_with_credentials"`
	MaxOriginLen                        *int         `json:"max_origin_len"`
	MaxRequestHeadersLen                *int         `json:"max_request_headers_len"`
	MaxRequestHeadersCount              *int         `json:"max_request_headers_count"`
}

// config is the vector's policy as a Config, or false when a Config cannot say it: a status or cap of
// 0, which a Config reads as the default (the C suite runs those through the builder only), or a list of
// exactly "*", which a Config reads as any (as the policy file does), where the vector means a list
// holding "*" (refused as wildcard_in_list).
func (v *vectorPolicy) config() (Config, bool) {
	for _, l := range []*listOrStar{v.Methods, v.RequestHeaders, v.ExposedHeaders} {
		if l != nil && len(l.items) == 1 && l.items[0] == "*" {
			return Config{}, false
		}
	}
	c := Config{
		Credentials:                         v.Credentials,
		Methods:                             v.Methods.config(),
		RequestHeaders:                      v.RequestHeaders.config(),
		ExposedHeaders:                      v.ExposedHeaders.config(),
		PrivateNetwork:                      v.PrivateNetwork,
		AllowInsecureOriginsWithCredentials: v.AllowInsecureOriginsWithCredentials,
	}
	c.Origins = make([]string, len(v.Origins))
	for i, o := range v.Origins {
		c.Origins[i] = string(o)
	}
	if v.MaxAge != nil {
		c.MaxAge = int(*v.MaxAge)
		if *v.MaxAge == 0 {
			c.MaxAge = -1
		}
	}
	for _, f := range []struct {
		from *int
		to   *int
	}{
		{v.PreflightSuccessStatus, &c.PreflightSuccessStatus}, {v.PreflightFailureStatus, &c.PreflightFailureStatus},
		{v.MaxOriginLen, &c.MaxOriginLen}, {v.MaxRequestHeadersLen, &c.MaxRequestHeadersLen},
		{v.MaxRequestHeadersCount, &c.MaxRequestHeadersCount},
	} {
		if f.from != nil {
			if *f.from == 0 {
				return c, false
			}
			*f.to = *f.from
		}
	}
	return c, true
}

type vectorRequest struct {
	Method                string       `json:"method"`
	Origin                []byteString `json:"origin"`
	RequestMethod         []byteString `json:"request_method"`
	RequestHeaders        []byteString `json:"request_headers"`
	RequestPrivateNetwork []byteString `json:"request_private_network"`
}

func (v *vectorRequest) http() *http.Request {
	r := httptest.NewRequest("GET", "/api/echo", nil)
	r.Method = v.Method
	for name, lines := range map[string][]byteString{hOrigin: v.Origin, hACRM: v.RequestMethod,
		hACRH: v.RequestHeaders, hACRPN: v.RequestPrivateNetwork} {
		for _, line := range lines {
			r.Header[name] = append(r.Header[name], string(line))
		}
	}
	return r
}

type vectorExpect struct {
	Kind        string          `json:"kind"`
	Verdict     string          `json:"verdict"`
	Reason      *string         `json:"reason"`
	ReasonCode  *int            `json:"reason_code"`
	OriginError *string         `json:"origin_error"`
	Status      *int            `json:"status"`
	Headers     [][2]byteString `json:"headers"`
}

type vectorError struct {
	Kind        string  `json:"kind"`
	Code        int     `json:"code"`
	Setting     string  `json:"setting"`
	Index       *int    `json:"index"`
	OriginError *string `json:"origin_error"`
}

type vector struct {
	Name        string        `json:"name"`
	Policy      vectorPolicy  `json:"policy"`
	Request     vectorRequest `json:"request"`
	Expect      *vectorExpect `json:"expect"`
	ExpectError *vectorError  `json:"expect_error"`
	file        string
}

func loadVectors(t testing.TB) []vector {
	files, err := filepath.Glob(filepath.Join(vectorsDir(t), "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files: %v", err)
	}
	var all []vector
	seen := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Description string   `json:"description"`
			Vectors     []vector `json:"vectors"`
		}
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			if strings.HasSuffix(f, "policy_files.json") {
				continue // the policy file vectors: policy_file_test.go
			}
			t.Fatalf("%s: %v", f, err)
		}
		for _, v := range doc.Vectors {
			if seen[v.Name] {
				t.Fatalf("%s: duplicate vector name %s", f, v.Name)
			}
			seen[v.Name] = true
			v.file = filepath.Base(f)
			all = append(all, v)
		}
	}
	return all
}

func optName(p *string) string {
	if p == nil {
		return "none"
	}
	return *p
}

func TestVectors(t *testing.T) {
	vectors := loadVectors(t)
	decisions, errs, skipped := 0, 0, 0
	for _, v := range vectors {
		cfg, ok := v.Policy.config()
		if !ok {
			skipped++
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			p, err := NewPolicy(cfg)
			if v.ExpectError != nil {
				errs++
				checkPolicyError(t, err, v.ExpectError)
				return
			}
			if err != nil {
				t.Fatalf("NewPolicy: %v", err)
			}
			defer p.Close()
			decisions++
			checkDecision(t, p, &v)
			checkHandler(t, p, &v)
		})
	}
	t.Logf("%d vectors: %d decisions and %d policy errors checked, %d not expressible as a Config", len(vectors),
		decisions, errs, skipped)
	if decisions+errs < 400 {
		t.Fatalf("only %d vectors checked", decisions+errs)
	}
}

func checkPolicyError(t *testing.T, err error, want *vectorError) {
	t.Helper()
	var pe *PolicyError
	if err == nil {
		t.Fatalf("policy accepted, want %s", want.Kind)
	}
	if !errorsAs(err, &pe) {
		t.Fatalf("error %v is not a *PolicyError", err)
	}
	index := -1
	if want.Index != nil {
		index = *want.Index
	}
	got := fmt.Sprintf("%s %d %s %d %s", pe.Kind.Name(), pe.Code(), pe.Setting, pe.Index, pe.OriginError.Name())
	exp := fmt.Sprintf("%s %d %s %d %s", want.Kind, want.Code, want.Setting, index, optName(want.OriginError))
	if got != exp {
		t.Fatalf("got %s, want %s (%v)", got, exp, err)
	}
	if pe.Message == "" || !strings.Contains(err.Error(), pe.Message) {
		t.Fatalf("message missing from %q", err.Error())
	}
}

func checkDecision(t *testing.T, p *Policy, v *vector) {
	t.Helper()
	e := v.Expect
	d := p.Decide(v.Request.http())
	status := 0
	if e.Status != nil {
		status = *e.Status
	}
	code := 0
	if e.ReasonCode != nil {
		code = *e.ReasonCode
	}
	verdict := map[bool]string{true: "allowed", false: "denied"}[d.Allowed()]
	reason := "none"
	if d.Reason() != ReasonNone {
		reason = d.Reason().Name()
	}
	got := fmt.Sprintf("%s %s %s %d %s %d", d.Kind(), verdict, reason, d.Reason().Code(), d.OriginError().Name(), d.Status())
	exp := fmt.Sprintf("%s %s %s %d %s %d", e.Kind, e.Verdict, optName(e.Reason), code, optName(e.OriginError), status)
	if got != exp {
		t.Fatalf("decision %s, want %s", got, exp)
	}
	want := make([]Header, len(e.Headers))
	for i, h := range e.Headers {
		want[i] = Header{Name: string(h[0]), Value: string(h[1])}
	}
	if got := d.Headers(); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("headers %q, want %q", got, want)
	}
	if d.AnswerNow() != (e.Kind == "preflight") {
		t.Fatalf("AnswerNow %v for kind %s", d.AnswerNow(), e.Kind)
	}
}

// checkHandler serves the vector's request through Handler: a preflight is answered with the status and
// the headers and never reaches the application; any other request reaches it with the headers set.
func checkHandler(t *testing.T, p *Policy, v *vector) {
	t.Helper()
	e := v.Expect
	reached := false
	h := p.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		w.WriteHeader(http.StatusTeapot)
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, v.Request.http())
	want := http.Header{}
	for _, hd := range e.Headers {
		want[string(hd[0])] = append(want[string(hd[0])], string(hd[1]))
	}
	if !reflect.DeepEqual(w.Header(), want) {
		t.Fatalf("handler headers %q, want %q", w.Header(), want)
	}
	if e.Kind == "preflight" {
		if reached || w.Code != *e.Status || w.Body.Len() != 0 {
			t.Fatalf("preflight: reached %v, status %d, body %q", reached, w.Code, w.Body.String())
		}
	} else if !reached || w.Code != http.StatusTeapot {
		t.Fatalf("%s request: reached %v, status %d", e.Kind, reached, w.Code)
	}
}
