package corsguard

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSmoke(t *testing.T) {
	p, err := NewPolicy(Config{Origins: []string{"https://app.example.com"}, Credentials: true, Methods: []string{"GET", "PUT"}, RequestHeaders: []string{"content-type"}, MaxAge: 600})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("OPTIONS", "/", nil)
	r.Header.Set("Origin", "https://app.example.com")
	r.Header.Set("Access-Control-Request-Method", "PUT")
	r.Header.Set("Access-Control-Request-Headers", "content-type")
	d := p.Decide(r)
	t.Logf("%v %v %v %d %v", d.Kind(), d.Allowed(), d.Reason().Name(), d.Status(), d.Headers())
	w := httptest.NewRecorder()
	p.Handler(http.NotFoundHandler()).ServeHTTP(w, r)
	t.Logf("%d %v", w.Code, w.Header())
	n := testing.AllocsPerRun(100, func() { p.Decide(r) })
	t.Log("allocs", n)
	_, err = NewPolicy(Config{Origins: []string{"*"}, Credentials: true})
	t.Log(err)
}
