package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// BenchmarkSignedInRequest is GET /api/about (no database work of its
// own) through the whole handler: "no-users" is today's zero-setup path,
// "session" a signed-in browser's cookie (the session check served from
// the library's cache, as in steady use). The difference is the sign-in
// check's cost per request (the bound: 0.5 ms).
func BenchmarkSignedInRequest(b *testing.B) {
	for _, users := range []bool{false, true} {
		name := "no-users"
		if users {
			name = "session"
		}
		b.Run(name, func(b *testing.B) {
			st, bs, dir := teststores.Local(b)
			lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir,
				Extractors: testlib.Extractors, Passwords: library.PasswordParams{Memory: 1024, Time: 1, Threads: 1}})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { lib.Close() })
			h := httpapi.New(lib, events.New(), httpapi.Options{})
			cookie := ""
			if users {
				ctx := context.Background()
				if _, err := lib.AddAccount(ctx, "ann", "ann's long password", true); err != nil {
					b.Fatal(err)
				}
				secret, _, err := lib.SignIn(ctx, "ann", "ann's long password", "", "", 0)
				if err != nil {
					b.Fatal(err)
				}
				cookie = "docsift_session=" + secret
			}
			for b.Loop() {
				r := httptest.NewRequest(http.MethodGet, "http://localhost/api/about", nil)
				if cookie != "" {
					r.Header.Set("Cookie", cookie)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
