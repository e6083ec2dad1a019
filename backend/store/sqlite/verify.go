package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/docsift/docsift/backend/store"
)

// topicNamesExpr is a document's topic names as the search triggers of
// migration 0003 write them into search.topics; d is the document.
const topicNamesExpr = `coalesce((SELECT group_concat(t.name, ' ' ORDER BY t.name_key, t.id)
	FROM document_topics dt JOIN topics t ON t.id = dt.topic_id
	WHERE dt.document_id = d.id), '')`

// SearchIndexCheck compares every document of userID with its search_rows
// mirror and its full-text row (name, text and topic names included), in
// one read transaction. The text comparison reads each text twice, which
// costs far less than the re-hashing of objects verify does anyway
// (BenchmarkSearchIndexCheck100k; figures: docs/benchmarks-history.md,
// "Figures behind choices in the code").
func (s *Store) SearchIndexCheck(ctx context.Context, userID string) (store.SearchIndexReport, error) {
	rep := store.SearchIndexReport{Missing: []string{}, Stale: []string{}, Extra: []string{}}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT d.id,
				CASE
				WHEN sr.seq IS NULL OR s.rowid IS NULL THEN 'missing'
				WHEN sr.user_id IS NOT d.user_id OR sr.folder_id IS NOT d.folder_id
					OR sr.status IS NOT d.status OR sr.content_type IS NOT d.content_type
					OR sr.created_at IS NOT d.created_at
					OR s.name IS NOT d.filename
					OR s.body IS NOT coalesce(x.body, '')
					OR s.topics IS NOT `+topicNamesExpr+` THEN 'stale'
				ELSE '' END
			FROM documents d
			LEFT JOIN search_rows sr ON sr.document_id = d.id
			LEFT JOIN search s ON s.rowid = sr.seq
			LEFT JOIN document_texts x ON x.document_id = d.id
			WHERE d.user_id = ?`, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, verdict string
			if err := rows.Scan(&id, &verdict); err != nil {
				return err
			}
			rep.Checked++
			switch verdict {
			case "missing":
				rep.Missing = append(rep.Missing, id)
			case "stale":
				rep.Stale = append(rep.Stale, id)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		extra, err := tx.QueryContext(ctx, `SELECT sr.document_id FROM search_rows sr
			WHERE sr.user_id = ? AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = sr.document_id)`, userID)
		if err != nil {
			return err
		}
		defer extra.Close()
		for extra.Next() {
			var id string
			if err := extra.Scan(&id); err != nil {
				return err
			}
			rep.Extra = append(rep.Extra, id)
		}
		if err := extra.Err(); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM search s
			WHERE NOT EXISTS (SELECT 1 FROM search_rows sr WHERE sr.seq = s.rowid)`).Scan(&rep.Unowned)
	})
	if err != nil {
		return store.SearchIndexReport{}, fmt.Errorf("sqlite: check the search index: %w", err)
	}
	return rep, nil
}

// RebuildSearchIndex rewrites the index entries of ids in one write
// transaction. A document keeps its old search_rows key when it had one,
// so its place in the "recent first" order does not change. The steps run
// in this order because a new key could otherwise meet an unowned
// full-text row under the same rowid.
func (s *Store) RebuildSearchIndex(ctx context.Context, userID string, ids []string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		// 1. Forget the entries of ids (keeping their keys).
		seqs := make(map[string]int64, len(ids))
		for _, id := range ids {
			var seq int64
			var owner string
			err := tx.QueryRowContext(ctx, `SELECT seq, user_id FROM search_rows WHERE document_id = ?`, id).Scan(&seq, &owner)
			switch {
			case err == sql.ErrNoRows:
				continue
			case err != nil:
				return err
			}
			var docOwner sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT user_id FROM documents WHERE id = ?`, id).Scan(&docOwner); err != nil && err != sql.ErrNoRows {
				return err
			}
			// Only the user's own entries, or entries of documents that
			// are the user's, are touched.
			if owner != userID && docOwner.String != userID {
				continue
			}
			seqs[id] = seq
			if _, err := tx.ExecContext(ctx, `DELETE FROM search_rows WHERE document_id = ?`, id); err != nil {
				return err
			}
		}
		// 2. Full-text rows no key points at any more, including those.
		if _, err := tx.ExecContext(ctx, `DELETE FROM search
			WHERE rowid NOT IN (SELECT seq FROM search_rows)`); err != nil {
			return err
		}
		// 3. Write the entries of the documents that exist, from their rows.
		for _, id := range ids {
			var seq any
			if v, ok := seqs[id]; ok {
				seq = v
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO search_rows
					(seq, document_id, user_id, folder_id, status, content_type, created_at)
				SELECT ?, id, user_id, folder_id, status, content_type, created_at
				FROM documents WHERE id = ? AND user_id = ?`, seq, id, userID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // no such document of the user: its entry stays gone
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO search (rowid, name, body, topics)
				SELECT sr.seq, d.filename,
					coalesce((SELECT body FROM document_texts WHERE document_id = d.id), ''),
					`+topicNamesExpr+`
				FROM search_rows sr JOIN documents d ON d.id = sr.document_id
				WHERE sr.document_id = ?`, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: rebuild the search index: %w", err)
	}
	return nil
}

// StuckDocuments lists userID's documents in a processing status that no
// queued or running job will move on, oldest first. A running job whose
// lease expired still counts: a worker will claim it again.
func (s *Store) StuckDocuments(ctx context.Context, userID string) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT d.id FROM documents d
		WHERE d.user_id = ? AND d.status IN ('stored', 'extracting', 'classifying')
		AND NOT EXISTS (SELECT 1 FROM jobs j
			WHERE j.document_id = d.id AND j.state IN ('queued', 'running'))
		ORDER BY d.created_at, d.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: stuck documents: %w", err)
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlite: stuck documents: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: stuck documents: %w", err)
	}
	return ids, nil
}
