package sqlite

import (
	"context"
	"database/sql"
)

// count counts the hits, newest first, exactly up to
// tune.exactTotalUpTo; past it, it estimates (see estimateTotal). Counting
// stops early, so a word in every document costs a tenth of counting all.
func (sq searchQuery) count(ctx context.Context, tx *sql.Tx, everyDocIsUsers bool) (n int, estimated bool, err error) {
	return sq.countBelow(ctx, tx, everyDocIsUsers, 0, 0)
}

// countBelow is count when the `known` newest hits, down to the key
// lowest, are counted already (known 0: none is). It counts on below
// lowest, so that no hit is evaluated twice: for a phrase of common words
// each hit looked at means reading two long position lists.
func (sq searchQuery) countBelow(ctx context.Context, tx *sql.Tx, everyDocIsUsers bool, known int, lowest int64) (n int, estimated bool, err error) {
	from, args := sq.from(everyDocIsUsers, false)
	args = append([]any(nil), args...)
	if known > 0 {
		from += ` AND ` + sq.key() + ` < ?`
		args = append(args, lowest)
	}
	var more int
	var last sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT count(*), min(k) FROM (
			SELECT `+sq.key()+` AS k FROM `+from+` ORDER BY `+sq.key()+` DESC LIMIT ?)`,
		append(args, max(sq.tune.exactTotalUpTo+1-known, 1))...).Scan(&more, &last)
	if last.Valid {
		lowest = last.Int64
	}
	if n = known + more; err != nil || n <= sq.tune.exactTotalUpTo || more == 0 {
		return n, false, err // more == 0: nothing below the known hits
	}
	n, err = estimateTotal(ctx, tx, n, lowest)
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
