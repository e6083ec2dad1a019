package postgres

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// lexemeStats is a copy of ANALYZE's statistics of document_search's
// search column: its most common lexemes with their shares of the rows,
// and the least of those shares. With the column's statistics target
// (0008_similar.sql) they are 10,000 lexemes, which cost ~30 ms to read
// and match; the copy is read again only when the table was analyzed
// since (pg_stat_user_tables says when, in one cheap lookup).
type lexemeStats struct {
	mu       sync.Mutex
	analyzed time.Time // when the table was last analyzed, as copied
	loaded   bool
	shares   map[string]float64
	minShare float64
}

// snapshot returns the statistics, read again when the table was analyzed
// since the copy; ok is false when it never was.
func (l *lexemeStats) snapshot(ctx context.Context, tx pgx.Tx) (shares map[string]float64, minShare float64, ok bool, err error) {
	var analyzed *time.Time
	if err := tx.QueryRow(ctx, `SELECT greatest(last_analyze, last_autoanalyze) FROM pg_stat_user_tables
		WHERE relid = 'document_search'::regclass`).Scan(&analyzed); err != nil && err != pgx.ErrNoRows {
		return nil, 0, false, err
	}
	if analyzed == nil {
		return nil, 0, false, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.loaded && l.analyzed.Equal(*analyzed) {
		return l.shares, l.minShare, l.shares != nil, nil
	}
	var (
		elems []string
		freqs []float64
	)
	err = tx.QueryRow(ctx, `SELECT coalesce(most_common_elems::text::text[], '{}'), coalesce(most_common_elem_freqs::float8[], '{}')
		FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'document_search' AND attname = 'search'`).
		Scan(&elems, &freqs)
	if err != nil && err != pgx.ErrNoRows {
		return nil, 0, false, err
	}
	l.analyzed, l.loaded, l.shares = *analyzed, true, nil
	// most_common_elem_freqs holds one share per lexeme, then the least
	// and the greatest of them.
	if len(elems) > 0 && len(freqs) >= len(elems)+2 {
		l.shares = make(map[string]float64, len(elems))
		for i, e := range elems {
			l.shares[e] = freqs[i]
		}
		l.minShare = freqs[len(elems)]
	}
	return l.shares, l.minShare, l.shares != nil, nil
}
