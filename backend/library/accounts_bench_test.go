package library_test

import (
	"context"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/internal/teststores"
)

// BenchmarkHashPassword is one argon2id hash with the default parameters
// (the cost of a sign-in; the issue asks for 50–200 ms).
func BenchmarkHashPassword(b *testing.B) {
	p := library.DefaultPasswordParams
	b.ReportMetric(float64(p.Memory)/1024, "MiB")
	for b.Loop() {
		if _, err := library.HashPassword(context.Background(), "a password of some length", p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticate is a request's sign-in check with a session
// cookie: "cached" within the cache's TTL (the steady state of a signed-in
// browser), "database" with every check asking the store (a TTL of 1 ns).
func BenchmarkAuthenticate(b *testing.B) {
	for _, c := range []struct {
		name string
		ttl  time.Duration
	}{{"cached", 0}, {"database", time.Nanosecond}} {
		b.Run(c.name, func(b *testing.B) {
			st, bs, dir := teststores.Local(b)
			lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir,
				Passwords: cheapPasswords, AuthCacheTTL: c.ttl})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { lib.Close() })
			ctx := context.Background()
			if _, err := lib.AddAccount(ctx, "ann", "ann's long password", true); err != nil {
				b.Fatal(err)
			}
			secret, _, err := lib.SignIn(ctx, "ann", "ann's long password", "", "", 0)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := lib.Authenticate(ctx, secret, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
