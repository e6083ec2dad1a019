package ranking

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	pgRank     = `ts_rank('{0.1, 0.2, 0.4, 1.0}'::real[], s.search, $2::tsquery)`
	pgHeadline = `ts_headline('docsift', docsift_snippet_source(d.extracted_text, $2::tsquery), $2::tsquery,
		'StartSel=[, StopSel=], MaxFragments=1, MinWords=15, MaxWords=35')`
)

// tsqueryOf returns the shape's tsquery (as text), built as the product
// builds it (postgres/searchquery.go), and the topic filter's condition.
func tsqueryOf(ctx context.Context, c *pgx.Conn, s shape) (string, string, error) {
	var expr string
	var args []any
	switch {
	case s.prefix:
		expr, args = `to_tsquery('docsift', $1)`, []any{"'" + s.words[0] + "':*"}
	case s.phrase:
		expr, args = `phraseto_tsquery('docsift', $1)`, []any{strings.Join(s.words, " ")}
	default:
		var parts []string
		for i, w := range s.words {
			parts = append(parts, fmt.Sprintf("plainto_tsquery('docsift', $%d)", i+1))
			args = append(args, w)
		}
		expr = "(" + strings.Join(parts, " && ") + ")"
	}
	cond := ""
	if s.topic >= 0 {
		name := fmt.Sprintf("topic%02d", s.topic)
		expr = "(" + expr + " && phraseto_tsquery('docsift', '" + name + "'))"
		cond = " AND EXISTS (SELECT 1 FROM document_topics dt JOIN topics t ON t.id = dt.topic_id WHERE dt.document_id = s.document_id AND t.name = '" + name + "')"
	}
	var q string
	err := c.QueryRow(ctx, "SELECT ("+expr+")::text", args...).Scan(&q)
	return q, cond, err
}

// measurePostgres times, per shape, ts_rank over every match (top 50
// with ts_headline, as the product's page) and RUM's index-ordered
// ranking, after building the RUM index; then compares RUM's top 10 with
// the exhaustive ts_rank top 10 over many queries.
func measurePostgres(ctx context.Context, dsn string) error {
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(context.WithoutCancel(ctx))
	var user string
	if err := c.QueryRow(ctx, `SELECT user_id::text FROM document_search LIMIT 1`).Scan(&user); err != nil {
		return err
	}
	if _, err := c.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS rum`); err != nil {
		return fmt.Errorf("create extension rum: %w", err)
	}
	var exists bool
	c.QueryRow(ctx, `SELECT to_regclass('document_search_rum') IS NOT NULL`).Scan(&exists)
	if !exists {
		t0 := time.Now()
		if _, err := c.Exec(ctx, `CREATE INDEX document_search_rum ON document_search USING rum (search rum_tsvector_ops)`); err != nil {
			return fmt.Errorf("create the rum index: %w", err)
		}
		fmt.Printf("RUM index built in %s\n", time.Since(t0).Round(100*time.Millisecond))
		c.Exec(ctx, `ANALYZE document_search`)
	}
	var rumSize, ginSize, tableSize int64
	c.QueryRow(ctx, `SELECT pg_relation_size('document_search_rum'), pg_relation_size('document_search_terms'), pg_total_relation_size('document_search')`).Scan(&rumSize, &ginSize, &tableSize)
	fmt.Printf("sizes: RUM %.0f MB, GIN %.0f MB, document_search with its indexes %.0f MB\n", float64(rumSize)/1e6, float64(ginSize)/1e6, float64(tableSize)/1e6)
	c.Exec(ctx, `SET plan_cache_mode = force_custom_plan`)
	c.Exec(ctx, `SET jit = off`)

	exhaustive := func(cond string, k int, headline bool) string {
		cols := "h.document_id, h.rank"
		if headline {
			cols += ", " + pgHeadline
		}
		return `SELECT ` + cols + ` FROM (SELECT m.* FROM (SELECT s.document_id, s.created_at, ` + pgRank + ` AS rank
			FROM document_search s WHERE s.user_id = $1 AND s.search @@ $2::tsquery` + cond + ` OFFSET 0) m
			ORDER BY rank DESC, created_at DESC, document_id DESC LIMIT ` + fmt.Sprint(k) + `) h
			JOIN documents d ON d.id = h.document_id ORDER BY h.rank DESC, h.created_at DESC, h.document_id DESC`
	}
	rum := func(cond string, k int, headline bool) string {
		cols := "h.document_id, h.dist"
		if headline {
			cols += ", " + pgHeadline
		}
		return `SELECT ` + cols + ` FROM (SELECT s.document_id, s.search <=> $2::tsquery AS dist
			FROM document_search s WHERE s.user_id = $1 AND s.search @@ $2::tsquery` + cond + `
			ORDER BY s.search <=> $2::tsquery LIMIT ` + fmt.Sprint(k) + `) h
			JOIN documents d ON d.id = h.document_id ORDER BY h.dist`
	}
	drain := func(q string, args ...any) func() error {
		return func() error {
			rows, err := c.Query(ctx, q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		}
	}
	const reps = 15
	fmt.Println("shape | matches | ts_rank all, top 50 + headlines p50/p95 ms | RUM top 50 + headlines p50/p95 | RUM plan")
	for _, s := range shapes(theCorpus()) {
		tq, cond, err := tsqueryOf(ctx, c, s)
		if err != nil {
			return err
		}
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM document_search s WHERE s.user_id = $1 AND s.search @@ $2::tsquery`+cond, user, tq).Scan(&n); err != nil {
			return err
		}
		e50, e95, err := timeIt(reps, drain(exhaustive(cond, 50, true), user, tq))
		if err != nil {
			return fmt.Errorf("%s exhaustive: %w", s.name, err)
		}
		r50, r95, err := timeIt(reps, drain(rum(cond, 50, true), user, tq))
		if err != nil {
			return fmt.Errorf("%s rum: %w", s.name, err)
		}
		var plan string
		rows, _ := c.Query(ctx, "EXPLAIN "+rum(cond, 50, true), user, tq)
		for rows.Next() {
			var line string
			rows.Scan(&line)
			if strings.Contains(line, "Index Scan") || strings.Contains(line, "Bitmap") || strings.Contains(line, "Seq Scan") {
				plan += strings.TrimSpace(strings.SplitN(line, "(", 2)[0]) + "; "
			}
		}
		rows.Close()
		fmt.Printf("%s | %d | %.1f / %.1f | %.1f / %.1f | %s\n", s.name, n, e50, e95, r50, r95, plan)
	}

	// Exactness: RUM's top 10 against ts_rank's over every match.
	v := theCorpus().Vocab
	var qs []shape
	for j := range 100 {
		qs = append(qs, shape{words: []string{v[20+j*j*2]}, topic: -1})
	}
	for j := range 30 {
		qs = append(qs, shape{words: []string{v[20+j*7], v[1000+j*50]}, topic: -1})
	}
	for j := range 20 {
		qs = append(qs, shape{words: []string{v[j*13][:3]}, prefix: true, topic: -1})
	}
	same, selfSame, asked := 0, 0, 0
	var firstDiff []string
	for _, s := range qs {
		tq, cond, err := tsqueryOf(ctx, c, s)
		if err != nil {
			return err
		}
		ref, err := topRanks(ctx, c, exhaustive(cond, 10, false), user, tq)
		if err != nil {
			return err
		}
		if len(ref) == 0 {
			continue
		}
		asked++
		got, err := topRanks(ctx, c, rum(cond, 10, false), user, tq)
		if err != nil {
			return err
		}
		// The ts_rank of RUM's documents.
		ids := make([]string, len(got))
		for i, g := range got {
			ids[i] = g.id
		}
		rk := map[string]float64{}
		rows, err := c.Query(ctx, `SELECT s.document_id::text, `+pgRank+` FROM document_search s WHERE s.user_id = $1 AND s.document_id = ANY($3::uuid[])`, user, tq, ids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var r float32
			rows.Scan(&id, &r)
			rk[id] = float64(r)
		}
		rows.Close()
		ok := len(got) == len(ref)
		for i := range min(len(got), len(ref)) {
			a, b := rk[got[i].id], ref[i].v
			if math.Abs(a-b) > 1e-6*math.Max(a, b) {
				ok = false
			}
		}
		// RUM's own distance over every match, read without the RUM
		// index: is its index order exact for its own scoring?
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		tx.Exec(ctx, `SET LOCAL enable_indexscan = off`)
		self, err := topRanks(ctx, tx.Conn(), `SELECT s.document_id::text, s.search <=> $2::tsquery AS dist
			FROM document_search s WHERE s.user_id = $1 AND s.search @@ $2::tsquery`+cond+`
			ORDER BY dist LIMIT 10`, user, tq)
		tx.Rollback(ctx)
		if err != nil {
			return err
		}
		selfOK := len(self) == len(got)
		for i := range min(len(self), len(got)) {
			if a, b := self[i].v, got[i].v; math.Abs(a-b) > 1e-6*math.Max(a, b) {
				selfOK = false
			}
		}
		if selfOK {
			selfSame++
		}
		if ok {
			same++
		} else if len(firstDiff) < 5 {
			firstDiff = append(firstDiff, fmt.Sprintf("%v (rum dist %.4g…, ts_rank %.4g…)", s.words, got[0].v, ref[0].v))
		}
	}
	fmt.Printf("RUM top 10 identical to ts_rank over every match: %d of %d queries; first differing: %s\n", same, asked, strings.Join(firstDiff, "; "))
	fmt.Printf("RUM index top 10 identical to its own distance over every match (no index scan): %d of %d queries\n", selfSame, asked)
	return nil
}

type idValue struct {
	id string
	v  float64
}

func topRanks(ctx context.Context, c *pgx.Conn, q string, args ...any) ([]idValue, error) {
	rows, err := c.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []idValue
	for rows.Next() {
		var id string
		var v float64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out = append(out, idValue{id, v})
	}
	return out, rows.Err()
}
