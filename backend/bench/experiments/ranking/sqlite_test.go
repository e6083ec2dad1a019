package ranking

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "modernc.org/sqlite"
)

// ftsExpr is the shape as the product's FTS5 query (sqlite/ftsquery.go),
// with the topic narrowing of narrowByTopic.
func ftsExpr(s shape) string {
	q := func(w string) string { return `"` + w + `"` }
	var e string
	switch {
	case s.prefix:
		e = q(s.words[0]) + "*"
	case s.phrase:
		e = q(strings.Join(s.words, " "))
	default:
		var parts []string
		for _, w := range s.words {
			parts = append(parts, "("+q(w)+")")
		}
		e = strings.Join(parts, " AND ")
	}
	if s.topic >= 0 {
		e = "(" + e + fmt.Sprintf(`) AND topics : "topic%02d"`, s.topic)
	}
	return e
}

// measureSQLite times, per shape: iterating the matches alone (count),
// the product's ranking of the newest 1,000, bm25 over every match, and
// the 50 winners' texts loaded (the snippets' input).
func measureSQLite(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	c := theCorpus()
	const reps = 15
	fmt.Println("shape | matches | rows alone p50/p95 (CPU p50) ms | window 1,000 | bm25 over every match | bm25 CPU µs/match | bm25 over every match and its count")
	for _, s := range shapes(c) {
		m := ftsExpr(s)
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM search WHERE search MATCH ?`, m).Scan(&n); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		scan := func(q string, args ...any) func() error {
			return func() error {
				rows, err := db.QueryContext(ctx, q, args...)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
				}
				return rows.Err()
			}
		}
		i50, i95, ic, err := timeItCPU(reps, scan(`SELECT rowid FROM search WHERE search MATCH ?`, m))
		if err != nil {
			return err
		}
		w50, w95, wc, err := timeItCPU(reps, scan(`SELECT k, -r FROM (SELECT rowid AS k, bm25(search, 10.0, 1.0, 5.0) AS r
			FROM search WHERE search MATCH ? ORDER BY rowid DESC LIMIT 1000) ORDER BY r, k DESC LIMIT 50`, m))
		if err != nil {
			return err
		}
		a50, a95, ac, err := timeItCPU(reps, scan(`SELECT rowid, bm25(search, 10.0, 1.0, 5.0) AS r
			FROM search WHERE search MATCH ? ORDER BY r, rowid DESC LIMIT 50`, m))
		if err != nil {
			return err
		}
		// LIMIT -1 keeps SQLite from flattening the subquery: bm25() may
		// not sit in a query with a window function.
		c50, c95, cc, err := timeItCPU(reps, scan(`SELECT k, -r, count(*) OVER () FROM (SELECT rowid AS k, bm25(search, 10.0, 1.0, 5.0) AS r
			FROM search WHERE search MATCH ? LIMIT -1) ORDER BY r, k DESC LIMIT 50`, m))
		if err != nil {
			return err
		}
		per := 0.0
		if n > 0 {
			per = (ac - ic) * 1000 / float64(n)
		}
		fmt.Printf("%s | %d | %.1f / %.1f (%.1f) | %.1f / %.1f (%.1f) | %.1f / %.1f (%.1f) | %.2f | %.1f / %.1f (%.1f)\n", s.name, n, i50, i95, ic, w50, w95, wc, a50, a95, ac, per, c50, c95, cc)
	}
	return nil
}
