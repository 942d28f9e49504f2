// Command corsguard-example serves the end-to-end suite's routes behind a corsguard policy file:
//
//	corsguard-example --policy FILE --port N
//
// It listens on 127.0.0.1:N until SIGTERM or SIGINT, logs every denial with its reason code, and exits
// with status 2 when the policy file is refused (with the file, line and column).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	corsguard "example.invalid/corsguard/bindings/go"
)

func main() {
	policyPath := flag.String("policy", "", "the policy file (docs/policy-file.md)")
	port := flag.Int("port", 0, "the port to listen on, on 127.0.0.1")
	flag.Parse()
	if *policyPath == "" || *port <= 0 || *port > 65535 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: corsguard-example --policy FILE --port N")
		os.Exit(2)
	}
	policy, err := corsguard.LoadPolicyFile(*policyPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer policy.Close()

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	logDenials := corsguard.OnDecision(func(r *http.Request, d corsguard.Decision) {
		if !d.Allowed() {
			logger.Info("CORS denied", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"),
				"reason", d.Reason().Name(), "code", d.Reason().Code())
		}
	})
	srv := &http.Server{
		Handler:           policy.Handler(routes(), logDenials),
		ReadHeaderTimeout: 10 * time.Second,
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	logger.Info("listening", "addr", ln.Addr().String(), "policy", *policyPath, "corsguard", corsguard.Version())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// routes are the ones every server in the end-to-end suite serves alike.
func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/items", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
			return
		}
		w.Header().Add("Vary", "Accept-Encoding") // added to the policy's Vary, as an application would
		w.Header().Set("X-Request-Id", "42")
		w.Header().Set("X-Total-Count", "3")
		writeJSON(w, http.StatusOK, map[string][]int{"items": {1, 2, 3}})
	})
	mux.HandleFunc("/api/echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "42")
		writeJSON(w, http.StatusOK, map[string]string{"method": r.Method})
	})
	mux.HandleFunc("/api/error", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "boom"})
	})
	mux.HandleFunc("/api/redirect", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", r.URL.Query().Get("to"))
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	data, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data)
}
