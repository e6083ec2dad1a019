package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/docsift/docsift/backend/store"
)

// AppendClassifierExamples numbers and writes versions of lessons in one
// write transaction (SQLite has one writer at a time, so the numbers
// follow commit order). The commit is redoable: it does not wait for the
// WAL sync (store.Store's durability exceptions).
func (s *Store) AppendClassifierExamples(ctx context.Context, userID, name string, examples []store.ClassifierExample) (int64, error) {
	var last int64
	err := s.writeRedoable(ctx, func(tx *sql.Tx) error {
		var err error
		last, err = appendClassifierExamples(ctx, tx, userID, name, examples)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: append classifier examples: %w", err)
	}
	return last, nil
}

// ReplaceClassifierExamples deletes a classifier's versions, appends new
// ones and saves the model that takes them in, in one transaction.
func (s *Store) ReplaceClassifierExamples(ctx context.Context, m store.ClassifierModel, examples []store.ClassifierExample) (int64, error) {
	var last int64
	at := orNow(m.UpdatedAt, s.stamp())
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM classifier_examples WHERE user_id = ? AND name = ?`, m.UserID, m.Name); err != nil {
			return err
		}
		var err error
		if last, err = appendClassifierExamples(ctx, tx, m.UserID, m.Name, examples); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO classifier_models (user_id, name, fingerprint, data, updated_at, generation)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id, name) DO UPDATE SET fingerprint = excluded.fingerprint,
				data = excluded.data, updated_at = excluded.updated_at, generation = excluded.generation`,
			m.UserID, m.Name, int64(m.Fingerprint), m.Data, at.UnixMicro(), last)
		if err != nil {
			return classify(err)
		}
		return setModelGeneration(ctx, tx, m.UserID, m.Name, last)
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: replace classifier examples: %w", err)
	}
	return last, nil
}

// appendClassifierExamples numbers and inserts versions in tx.
func appendClassifierExamples(ctx context.Context, tx *sql.Tx, userID, name string, examples []store.ClassifierExample) (int64, error) {
	var last int64
	err := tx.QueryRowContext(ctx, `INSERT INTO classifier_counters (user_id, name, last_seq) VALUES (?, ?, ?)
		ON CONFLICT (user_id, name) DO UPDATE SET last_seq = last_seq + excluded.last_seq
		RETURNING last_seq`, userID, name, len(examples)).Scan(&last)
	if err != nil {
		return 0, classify(err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO classifier_examples (user_id, name, seq, document_id, data)
		VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	seq := last - int64(len(examples))
	for _, ex := range examples {
		seq++
		if _, err := stmt.ExecContext(ctx, userID, name, seq, ex.DocumentID, nullBlob(ex.Data)); err != nil {
			return 0, classify(err)
		}
	}
	return last, nil
}

// nullBlob is data as a column value: NULL for nil, never an empty blob
// read back as NULL or the other way round.
func nullBlob(data []byte) any {
	if data == nil {
		return nil
	}
	return data
}

// ClassifierExamplesAfter reads the versions after a number, each with the
// one it replaced, in one read transaction.
func (s *Store) ClassifierExamplesAfter(ctx context.Context, userID, name string, after int64, fn func(store.ClassifierExample) error) error {
	err := s.read(ctx, func(tx *sql.Tx) error {
		var gen int64
		err := tx.QueryRowContext(ctx, `SELECT model_generation FROM classifier_counters WHERE user_id = ? AND name = ?`,
			userID, name).Scan(&gen)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if after < gen {
			return fmt.Errorf("versions after %d are folded into the model of generation %d: %w", after, gen, store.ErrConflict)
		}
		rows, err := tx.QueryContext(ctx, `SELECT e.seq, e.document_id, e.data,
				(SELECT p.data FROM classifier_examples p
					WHERE p.user_id = e.user_id AND p.name = e.name AND p.document_id = e.document_id AND p.seq < e.seq
					ORDER BY p.seq DESC LIMIT 1)
			FROM classifier_examples e
			WHERE e.user_id = ? AND e.name = ? AND e.seq > ? ORDER BY e.seq`, userID, name, after)
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
	if err != nil {
		return fmt.Errorf("sqlite: classifier examples: %w", err)
	}
	return nil
}

// ClassifierExample returns a document's newest version.
func (s *Store) ClassifierExample(ctx context.Context, userID, name, documentID string) (store.ClassifierExample, error) {
	ex := store.ClassifierExample{DocumentID: documentID}
	err := s.r.QueryRowContext(ctx, `SELECT seq, data FROM classifier_examples
		WHERE user_id = ? AND name = ? AND document_id = ? ORDER BY seq DESC LIMIT 1`,
		userID, name, documentID).Scan(&ex.Seq, &ex.Data)
	if err != nil {
		return store.ClassifierExample{}, fmt.Errorf("sqlite: classifier example: %w", notFound(err, "classifier example of document", documentID))
	}
	return ex, nil
}

// ClassifierGeneration returns the newest version's number.
func (s *Store) ClassifierGeneration(ctx context.Context, userID, name string) (int64, error) {
	var last int64
	err := s.r.QueryRowContext(ctx, `SELECT last_seq FROM classifier_counters WHERE user_id = ? AND name = ?`,
		userID, name).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlite: classifier generation: %w", err)
	}
	return last, nil
}

// setModelGeneration records the stored model's generation beside the
// counter, where ClassifierExamplesAfter reads it without reading past
// the model's bytes.
func setModelGeneration(ctx context.Context, tx *sql.Tx, userID, name string, gen int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO classifier_counters (user_id, name, last_seq, model_generation)
		VALUES (?, ?, 0, ?)
		ON CONFLICT (user_id, name) DO UPDATE SET model_generation = excluded.model_generation`, userID, name, gen)
	return classify(err)
}

// foldClassifierExamples deletes the versions a model of generation gen
// takes in and no longer needs: those replaced by a version numbered up to
// gen, and forgettings up to gen (the version after one has nothing to
// take back).
func foldClassifierExamples(ctx context.Context, tx *sql.Tx, userID, name string, gen int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM classifier_examples AS e
		WHERE e.user_id = ? AND e.name = ? AND e.seq <= ?
			AND (e.data IS NULL OR EXISTS (SELECT 1 FROM classifier_examples n
				WHERE n.user_id = e.user_id AND n.name = e.name AND n.document_id = e.document_id
					AND n.seq > e.seq AND n.seq <= ?))`, userID, name, gen, gen)
	return err
}
