package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// searchVectorExpr is the vector migration 0003's triggers write for
// document d.
const searchVectorExpr = `docsift_search_vector(d.filename_key, docsift_topic_names(d.id), d.extracted_text)`

// SearchIndexCheck compares every document of userID with its row in
// document_search, in one statement (one snapshot): a missing row, a row
// whose owner or date differ, or a vector that is not the one the
// triggers would write now. The vector comparison recomputes each
// document's vector from its text, which costs about as much as indexing
// the library once (BenchmarkSearchIndexCheck100k; figures:
// docs/benchmarks-history.md, "Figures behind choices in the code");
// verify re-reads every object anyway, which costs more. It is one
// read-only statement: it takes no locks writers wait for.
//
// document_search references documents with ON DELETE CASCADE, so an
// entry without its document cannot exist here: Extra is always empty.
func (s *Store) SearchIndexCheck(ctx context.Context, userID string) (store.SearchIndexReport, error) {
	const op = "check the search index"
	rep := store.SearchIndexReport{Missing: []string{}, Stale: []string{}, Extra: []string{}}
	user, ok := parseID(userID)
	if !ok {
		return rep, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT d.id::text,
			CASE
			WHEN x.document_id IS NULL THEN 'missing'
			WHEN x.user_id IS DISTINCT FROM d.user_id OR x.created_at IS DISTINCT FROM d.created_at
				OR x.search IS DISTINCT FROM `+searchVectorExpr+` THEN 'stale'
			ELSE '' END
		FROM documents d
		LEFT JOIN document_search x ON x.document_id = d.id
		WHERE d.user_id = $1`, user)
	if err != nil {
		return store.SearchIndexReport{}, wrap(op, err)
	}
	var id, verdict string
	_, err = pgx.ForEachRow(rows, []any{&id, &verdict}, func() error {
		rep.Checked++
		switch verdict {
		case "missing":
			rep.Missing = append(rep.Missing, id)
		case "stale":
			rep.Stale = append(rep.Stale, id)
		}
		return nil
	})
	if err != nil {
		return store.SearchIndexReport{}, wrap(op, err)
	}
	return rep, nil
}

// RebuildSearchIndex writes the document_search rows of the given
// documents of userID from the documents, in one statement. Entries of
// documents that do not exist cannot exist (the foreign key removes
// them), so there is nothing else to remove.
func (s *Store) RebuildSearchIndex(ctx context.Context, userID string, ids []string) error {
	const op = "rebuild the search index"
	user, ok := parseID(userID)
	if !ok {
		return nil
	}
	list := make([]string, 0, len(ids))
	for _, id := range ids {
		if canon, ok := parseID(id); ok {
			list = append(list, canon)
		}
	}
	if len(list) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO document_search (document_id, user_id, created_at, search)
		SELECT d.id, d.user_id, d.created_at, `+searchVectorExpr+`
		FROM documents d
		WHERE d.id = ANY ($1::uuid[]) AND d.user_id = $2
		ORDER BY d.id
		ON CONFLICT (document_id) DO UPDATE
			SET user_id = excluded.user_id, created_at = excluded.created_at, search = excluded.search`,
		list, user)
	return wrap(op, err)
}

// StuckDocuments lists userID's documents in a processing status that no
// queued or running job will move on, oldest first. A running job whose
// lease expired still counts: a worker will claim it again.
func (s *Store) StuckDocuments(ctx context.Context, userID string) ([]string, error) {
	const op = "stuck documents"
	ids := []string{}
	user, ok := parseID(userID)
	if !ok {
		return ids, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT d.id::text FROM documents d
		WHERE d.user_id = $1 AND d.status IN ('stored', 'extracting', 'classifying')
		AND NOT EXISTS (SELECT 1 FROM jobs j
			WHERE j.document_id = d.id AND j.state IN ('queued', 'running'))
		ORDER BY d.created_at, d.id`, user)
	if err != nil {
		return nil, wrap(op, err)
	}
	var id string
	if _, err := pgx.ForEachRow(rows, []any{&id}, func() error {
		ids = append(ids, id)
		return nil
	}); err != nil {
		return nil, wrap(op, err)
	}
	return ids, nil
}
