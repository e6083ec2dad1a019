package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/wire"
)

// benchDocs is how many documents the serve benchmarks seed (local
// profile); DOCSIFT_BENCH_DOCS=100000 reproduces the target size.
func benchDocs() int {
	if n, err := strconv.Atoi(os.Getenv("DOCSIFT_BENCH_DOCS")); err == nil && n > 0 {
		return n
	}
	return 5000
}

// seededConfig builds a local-profile data directory holding n documents.
func seededConfig(b *testing.B, n int) config.Config {
	b.Helper()
	cfg, err := config.Load(config.Sources{Flags: map[string]string{"data_dir": b.TempDir()}, Home: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	lib, err := wire.Open(ctx, cfg, library.Deps{})
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	start := time.Now()
	for i := range n {
		body := fmt.Sprintf("document %d about invoices, rent and insurance\n", i)
		if _, err := lib.Import(ctx, fmt.Sprintf("doc-%06d.txt", i), "", strings.NewReader(body)); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d documents in %s", n, time.Since(start).Round(time.Millisecond))
	return cfg
}

// BenchmarkServe prints the serve face's figures over a seeded local
// library: cold start (open the stores, build the handler, listen) to the
// first 200 from /api/health, and the latency of the library view's first
// page (GET /api/documents, 50 newest) over loopback HTTP.
func BenchmarkServe(b *testing.B) {
	n := benchDocs()
	cfg := seededConfig(b, n)
	ctx := context.Background()

	b.Run(fmt.Sprintf("cold_start_to_health/docs=%d", n), func(b *testing.B) {
		for range b.N {
			start := time.Now()
			bus := events.New()
			lib, err := wire.Open(ctx, cfg, library.Deps{Bus: bus})
			if err != nil {
				b.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			srv := &http.Server{Handler: httpapi.New(lib, bus, httpapi.Options{})}
			go srv.Serve(ln)
			resp, err := http.Get("http://" + ln.Addr().String() + "/api/health")
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("health %d", resp.StatusCode)
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "ms/start")
			b.StopTimer()
			srv.Close()
			lib.Close()
			b.StartTimer()
		}
	})

	b.Run(fmt.Sprintf("first_page/docs=%d", n), func(b *testing.B) {
		bus := events.New()
		lib, err := wire.Open(ctx, cfg, library.Deps{Bus: bus})
		if err != nil {
			b.Fatal(err)
		}
		defer lib.Close()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: httpapi.New(lib, bus, httpapi.Options{})}
		go srv.Serve(ln)
		defer srv.Close()
		url := "http://" + ln.Addr().String() + "/api/documents?limit=50"
		b.ResetTimer()
		for range b.N {
			resp, err := http.Get(url)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("list %d", resp.StatusCode)
			}
		}
	})
}
