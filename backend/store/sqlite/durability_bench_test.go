package sqlite

import (
	"database/sql"
	"testing"
)

// BenchmarkCommit is the cost of one small write transaction (one row
// updated) by durability: "full" is write (synchronous=FULL, the WAL
// fsynced before it returns), "redoable" is writeRedoable (NORMAL, with
// the two PRAGMAs that switch the connection there and back), "normal"
// a transaction on a connection left at NORMAL (what every write was
// before), so redoable - normal is the price of the switch and full -
// normal the price of one fsync of the WAL on this disk.
func BenchmarkCommit(b *testing.B) {
	for _, c := range []struct {
		name  string
		write func(*Store) func(func(*sql.Tx) error) error
	}{
		{"full", func(s *Store) func(func(*sql.Tx) error) error {
			return func(fn func(*sql.Tx) error) error { return s.write(b.Context(), fn) }
		}},
		{"redoable", func(s *Store) func(func(*sql.Tx) error) error {
			return func(fn func(*sql.Tx) error) error { return s.writeRedoable(b.Context(), fn) }
		}},
		{"normal", func(s *Store) func(func(*sql.Tx) error) error {
			if _, err := s.w.ExecContext(b.Context(), "PRAGMA synchronous = NORMAL"); err != nil {
				b.Fatal(err)
			}
			return func(fn func(*sql.Tx) error) error { return s.write(b.Context(), fn) }
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := openTemp(b)
			u, err := s.DefaultUser(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			write := c.write(s)
			i := 0
			for b.Loop() {
				i++
				if err := write(func(tx *sql.Tx) error {
					_, err := tx.ExecContext(b.Context(), `UPDATE users SET name = ? WHERE id = ?`, i, u.ID)
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
