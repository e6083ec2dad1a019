package sqlite

import (
	"database/sql"
	"runtime"
	"sync/atomic"
	"testing"
)

// BenchmarkCommit is the cost of one small write transaction (one row
// updated) by durability: "durable" is write (a NORMAL commit, then the
// sync barrier's fsync of the WAL), "redoable" is writeRedoable (NORMAL,
// no sync), "full" a commit on a connection set to synchronous=FULL
// (the WAL fsynced inside the commit, holding the writer: what durable
// writes did before the barrier). The "x4" variants run four writers at
// once (about four goroutines: b.SetParallelism), where the barrier's
// fsyncs are shared and taken outside the writer.
func BenchmarkCommit(b *testing.B) {
	for _, c := range []struct {
		name  string
		write func(*Store) func(func(*sql.Tx) error) error
	}{
		{"durable", func(s *Store) func(func(*sql.Tx) error) error {
			return func(fn func(*sql.Tx) error) error { return s.write(b.Context(), fn) }
		}},
		{"redoable", func(s *Store) func(func(*sql.Tx) error) error {
			return func(fn func(*sql.Tx) error) error { return s.writeRedoable(b.Context(), fn) }
		}},
		{"full", func(s *Store) func(func(*sql.Tx) error) error {
			if _, err := s.w.ExecContext(b.Context(), "PRAGMA synchronous = FULL"); err != nil {
				b.Fatal(err)
			}
			return func(fn func(*sql.Tx) error) error { return s.writeRedoable(b.Context(), fn) }
		}},
	} {
		for _, par := range []int{1, 4} {
			name := c.name
			if par > 1 {
				name += "x4"
			}
			b.Run(name, func(b *testing.B) {
				s := openTemp(b)
				u, err := s.DefaultUser(b.Context())
				if err != nil {
					b.Fatal(err)
				}
				write := c.write(s)
				var i, syncs atomic.Int64
				s.wal.synced = func(uint64) { syncs.Add(1) }
				defer func() {
					if n := syncs.Load(); n > 0 {
						b.ReportMetric(float64(i.Load())/float64(n), "commits/sync")
					}
				}()
				one := func() {
					n := i.Add(1)
					if err := write(func(tx *sql.Tx) error {
						_, err := tx.ExecContext(b.Context(), `UPDATE users SET name = ? WHERE id = ?`, n, u.ID)
						return err
					}); err != nil {
						b.Error(err)
					}
				}
				if par == 1 {
					for b.Loop() {
						one()
					}
					return
				}
				b.SetParallelism(max(1, par/max(1, runtime.GOMAXPROCS(0))))
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						one()
					}
				})
			})
		}
	}
}
