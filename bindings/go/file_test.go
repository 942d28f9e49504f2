package corsguard

// Every policy file in tests/vectors/policy_files.json, and a file loaded from disk.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type fileVector struct {
	Name            string     `json:"name"`
	Text            byteString `json:"text"`
	ExpectFileError *struct {
		Line       int          `json:"line"`
		Column     int          `json:"column"`
		Syntax     *string      `json:"syntax"`
		SyntaxCode *int         `json:"syntax_code"`
		Policy     *vectorError `json:"policy"`
	} `json:"expect_file_error"`
}

func TestPolicyFileVectors(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(vectorsDir(t), "policy_files.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Description string       `json:"description"`
		PolicyFiles []fileVector `json:"policy_files"`
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.PolicyFiles) < 50 {
		t.Fatalf("only %d policy files", len(doc.PolicyFiles))
	}
	for _, v := range doc.PolicyFiles {
		t.Run(v.Name, func(t *testing.T) {
			p, err := ParsePolicy(string(v.Text))
			want := v.ExpectFileError
			if want == nil {
				if err != nil {
					t.Fatal(err)
				}
				p.Close()
				return
			}
			if err == nil {
				t.Fatal("policy file accepted")
			}
			fe, ok := err.(*PolicyFileError)
			if !ok {
				t.Fatalf("%T %v", err, err)
			}
			if fe.Line != want.Line || fe.Column != want.Column {
				t.Fatalf("at %d:%d, want %d:%d (%v)", fe.Line, fe.Column, want.Line, want.Column, err)
			}
			if want.Syntax != nil {
				if fe.Syntax.Name() != *want.Syntax || fe.Syntax.Code() != *want.SyntaxCode || fe.Policy != nil {
					t.Fatalf("syntax %s %d, want %s (%v)", fe.Syntax.Name(), fe.Syntax, *want.Syntax, err)
				}
				if fe.Message != fe.Syntax.String() {
					t.Fatalf("message %q, want %q", fe.Message, fe.Syntax.String())
				}
				return
			}
			checkPolicyError(t, err, want.Policy)
		})
	}
}

func TestLoadPolicyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cors.policy")
	text := "# the API's CORS policy\norigins = https://app.example.com, https://*.example.com\ncredentials = true\n" +
		"methods = GET, POST, PUT\nrequest-headers = content-type, x-request-id\nmax-age = 600\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPolicyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// The file's policy decides as the same Config does.
	q := newTestPolicy(t, Config{Origins: []string{"https://app.example.com", "https://*.example.com"},
		Credentials: true, Methods: []string{"GET", "POST", "PUT"},
		RequestHeaders: []string{"content-type", "x-request-id"}, MaxAge: 600})
	r := request("OPTIONS", hOrigin, "https://admin.example.com", hACRM, "PUT", hACRH, "x-request-id")
	if a, b := p.Decide(r), q.Decide(r); fmt.Sprint(a.Headers()) != fmt.Sprint(b.Headers()) || !a.Allowed() {
		t.Errorf("file %v, config %v", a.Headers(), b.Headers())
	}

	bad := filepath.Join(dir, "bad.policy")
	os.WriteFile(bad, []byte("origins = https://a.example\ncredentials = yes\n"), 0o600)
	_, err = LoadPolicyFile(bad)
	if err == nil || !strings.HasPrefix(err.Error(), "corsguard: "+bad+":2:15: ") {
		t.Errorf("error %v", err)
	}
	os.WriteFile(bad, []byte("origins = *\ncredentials = true\n"), 0o600)
	_, err = LoadPolicyFile(bad)
	var pe *PolicyError
	if !errorsAs(err, &pe) || pe.Kind.Name() != "any_origin_with_credentials" {
		t.Errorf("error %v", err)
	}
	if _, err := LoadPolicyFile(filepath.Join(dir, "missing")); !errorsAs(err, new(*os.PathError)) {
		t.Errorf("missing file: %v", err)
	}
}
