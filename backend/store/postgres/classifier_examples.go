package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// AppendClassifierExamples numbers and writes versions of lessons in one
// transaction. The counter's row stays locked until the commit, so a
// second writer waits for the first: numbers follow commit order, and a
// reader never sees version n without the ones below it.
func (s *Store) AppendClassifierExamples(ctx context.Context, userID, name string, examples []store.ClassifierExample) (int64, error) {
	const op = "append classifier examples"
	user, ok := parseID(userID)
	if !ok {
		return 0, notFound(op)
	}
	var last int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Redoable (store.Store's durability exceptions): the commit does
		// not wait for the WAL flush.
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
			return err
		}
		var err error
		last, err = appendClassifierExamples(ctx, tx, user, name, examples)
		return err
	})
	if err != nil {
		return 0, wrap(op, err)
	}
	return last, nil
}

// ReplaceClassifierExamples deletes a classifier's versions, appends new
// ones and saves the model that takes them in, in one transaction. The
// counter is locked first, so a writer appending meanwhile numbers its
// version after the new history.
func (s *Store) ReplaceClassifierExamples(ctx context.Context, m store.ClassifierModel, examples []store.ClassifierExample) (int64, error) {
	const op = "replace classifier examples"
	user, ok := parseID(m.UserID)
	if !ok {
		return 0, notFound(op)
	}
	var last int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if last, err = appendClassifierExamples(ctx, tx, user, m.Name, nil); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM classifier_examples WHERE user_id = $1 AND name = $2`, user, m.Name); err != nil {
			return err
		}
		if last, err = appendClassifierExamples(ctx, tx, user, m.Name, examples); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO classifier_models (user_id, name, fingerprint, data, updated_at, generation)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (user_id, name) DO UPDATE SET fingerprint = excluded.fingerprint,
				data = excluded.data, updated_at = excluded.updated_at, generation = excluded.generation`,
			user, m.Name, int64(m.Fingerprint), m.Data, s.timestamp(m.UpdatedAt), last)
		if err != nil {
			return err
		}
		return setModelGeneration(ctx, tx, user, m.Name, last)
	})
	if err != nil {
		return 0, wrap(op, err)
	}
	return last, nil
}

// appendClassifierExamples numbers and inserts versions in tx; the
// counter's row stays locked until tx ends.
func appendClassifierExamples(ctx context.Context, tx pgx.Tx, user, name string, examples []store.ClassifierExample) (int64, error) {
	var last int64
	err := tx.QueryRow(ctx, `INSERT INTO classifier_counters (user_id, name, last_seq) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, name) DO UPDATE SET last_seq = classifier_counters.last_seq + excluded.last_seq
		RETURNING last_seq`, user, name, len(examples)).Scan(&last)
	if err != nil || len(examples) == 0 {
		return last, err
	}
	rows := make([][]any, len(examples))
	seq := last - int64(len(examples))
	for i, ex := range examples {
		seq++
		rows[i] = []any{user, name, seq, cleanText(ex.DocumentID), ex.Data}
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"classifier_examples"},
		[]string{"user_id", "name", "seq", "document_id", "data"}, pgx.CopyFromRows(rows))
	return last, err
}

// ClassifierExamplesAfter reads the versions after a number, each with the
// one it replaced, in one repeatable-read transaction (a model saved
// meanwhile cannot fold away a version half-way through).
func (s *Store) ClassifierExamplesAfter(ctx context.Context, userID, name string, after int64, fn func(store.ClassifierExample) error) error {
	const op = "classifier examples"
	user, ok := parseID(userID)
	if !ok {
		return nil
	}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var gen int64
		err := tx.QueryRow(ctx, `SELECT model_generation FROM classifier_counters WHERE user_id = $1 AND name = $2`,
			user, name).Scan(&gen)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if after < gen {
			return fmt.Errorf("versions after %d are folded into the model of generation %d: %w", after, gen, store.ErrConflict)
		}
		rows, err := tx.Query(ctx, `SELECT e.seq, e.document_id, e.data, p.data
			FROM classifier_examples e
			LEFT JOIN LATERAL (SELECT data FROM classifier_examples p
				WHERE p.user_id = e.user_id AND p.name = e.name AND p.document_id = e.document_id AND p.seq < e.seq
				ORDER BY p.seq DESC LIMIT 1) p ON true
			WHERE e.user_id = $1 AND e.name = $2 AND e.seq > $3 ORDER BY e.seq`, user, name, after)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var ex store.ClassifierExample
			if err := rows.Scan(&ex.Seq, &ex.DocumentID, &ex.Data, &ex.Prev); err != nil {
				return err
			}
			if err := fn(ex); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return wrap(op, err)
}

// ClassifierExample returns a document's newest version.
func (s *Store) ClassifierExample(ctx context.Context, userID, name, documentID string) (store.ClassifierExample, error) {
	const op = "classifier example"
	user, ok := parseID(userID)
	if !ok {
		return store.ClassifierExample{}, notFound(op)
	}
	ex := store.ClassifierExample{DocumentID: documentID}
	err := s.pool.QueryRow(ctx, `SELECT seq, data FROM classifier_examples
		WHERE user_id = $1 AND name = $2 AND document_id = $3 ORDER BY seq DESC LIMIT 1`,
		user, name, cleanText(documentID)).Scan(&ex.Seq, &ex.Data)
	if err != nil {
		return store.ClassifierExample{}, wrap(op, err)
	}
	return ex, nil
}

// ClassifierGeneration returns the newest version's number.
func (s *Store) ClassifierGeneration(ctx context.Context, userID, name string) (int64, error) {
	user, ok := parseID(userID)
	if !ok {
		return 0, nil
	}
	var last int64
	err := s.pool.QueryRow(ctx, `SELECT last_seq FROM classifier_counters WHERE user_id = $1 AND name = $2`,
		user, name).Scan(&last)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, wrap("classifier generation", err)
	}
	return last, nil
}

// setModelGeneration records the stored model's generation beside the
// counter, where ClassifierExamplesAfter reads it cheaply.
func setModelGeneration(ctx context.Context, tx pgx.Tx, user, name string, gen int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO classifier_counters (user_id, name, last_seq, model_generation)
		VALUES ($1, $2, 0, $3)
		ON CONFLICT (user_id, name) DO UPDATE SET model_generation = excluded.model_generation`, user, name, gen)
	return err
}

// foldClassifierExamples deletes the versions a model of generation gen
// takes in and no longer needs: those replaced by a version numbered up to
// gen, and forgettings up to gen (the version after one has nothing to
// take back).
func foldClassifierExamples(ctx context.Context, tx pgx.Tx, user, name string, gen int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM classifier_examples e
		WHERE e.user_id = $1 AND e.name = $2 AND e.seq <= $3
			AND (e.data IS NULL OR EXISTS (SELECT 1 FROM classifier_examples n
				WHERE n.user_id = e.user_id AND n.name = e.name AND n.document_id = e.document_id
					AND n.seq > e.seq AND n.seq <= $3))`, user, name, gen)
	return err
}
