package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// serveWorkerMetrics serves GET /metrics on addr, which must be a
// loopback address: a worker has no access token to guard them with, so
// only this machine's scraper (or an agent forwarding them) may read
// them. Requests must name a loopback host too (no DNS rebinding). It
// returns a function that stops the listener.
func (r *runner) serveWorkerMetrics(ctx context.Context, addr string) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen for metrics on %s: %w", addr, err)
	}
	metrics := r.metrics.Handler()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, req *http.Request) {
		if h, _, err := net.SplitHostPort(req.Host); err != nil || !isLoopbackHost(h) {
			http.Error(w, "This address serves only requests for localhost.", http.StatusMisdirectedRequest)
			return
		}
		metrics.ServeHTTP(w, req)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			r.log.Warn("metrics listener stopped", "component", "cli", "err", err)
		}
	}()
	fmt.Fprintf(r.env.Stderr, "docsift worker: metrics at http://%s/metrics\n", ln.Addr())
	return func() { srv.Close() }, nil
}

// checkMetricsAddr refuses a metrics address that is not host:port on a
// loopback host, with a sentence saying why.
func checkMetricsAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("the metrics address %q is not host:port (like 127.0.0.1:9465)", addr)
	}
	if !isLoopbackHost(host) {
		return fmt.Errorf("the metrics address %q is not on this machine only: use 127.0.0.1, [::1] or localhost (a worker has no access token to protect its metrics)", addr)
	}
	return nil
}

// isLoopbackHost reports whether host (no port) names this machine only.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
