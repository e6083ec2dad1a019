package sqlite

import (
	"context"
	"database/sql"
)

// count counts the hits, newest first, exactly up to
// tune.exactTotalUpTo; past it, it estimates (see estimateTotal). Counting
// stops early, so a word in every document costs a tenth of counting all.
func (sq searchQuery) count(ctx context.Context, tx *sql.Tx, everyDocIsUsers bool) (n int, estimated bool, err error) {
	from, args := sq.from(everyDocIsUsers, false)
	var lowest sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT count(*), min(k) FROM (
			SELECT `+sq.key()+` AS k FROM `+from+` ORDER BY `+sq.key()+` DESC LIMIT ?)`,
		append(append([]any(nil), args...), sq.tune.exactTotalUpTo+1)...).Scan(&n, &lowest)
	if err != nil || n <= sq.tune.exactTotalUpTo {
		return n, false, err
	}
	n, err = estimateTotal(ctx, tx, n, lowest.Int64)
	return n, true, err
}

// estimateTotal extrapolates from a sample: counted hits among the
// documents with keys from lowest up. Keys are given in insertion order, so
// the estimate assumes the hits are spread evenly over time.
func estimateTotal(ctx context.Context, tx *sql.Tx, counted int, lowest int64) (int, error) {
	var first, last, newer int64
	if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT min(seq) FROM search_rows), (SELECT max(seq) FROM search_rows)`).Scan(&first, &last); err != nil {
		return 0, err
	}
	if newer = last - lowest + 1; newer <= 0 {
		return counted, nil
	}
	return max(counted, int(float64(counted)*float64(last-first+1)/float64(newer)+0.5)), nil
}
