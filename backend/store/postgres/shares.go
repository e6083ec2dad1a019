package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

var _ store.Sharing = (*Store)(nil)

// shareSelect reads a share with the names Shares and SharedDocument
// fill; scanShare reads its columns.
const shareSelect = `SELECT s.id, s.owner_id, s.grantee_id, s.topic_id, s.folder_id, s.permission, s.created_at,
		o.name, g.name, coalesce(t.name, f.name, '')
	FROM shares s
	JOIN users o ON o.id = s.owner_id
	JOIN users g ON g.id = s.grantee_id
	LEFT JOIN topics t ON t.id = s.topic_id
	LEFT JOIN folders f ON f.id = s.folder_id`

func scanShare(row pgx.Row) (store.Share, error) {
	var (
		s             store.Share
		topic, folder *string
		perm          string
	)
	if err := row.Scan(&s.ID, &s.OwnerID, &s.GranteeID, &topic, &folder, &perm, &s.CreatedAt,
		&s.OwnerName, &s.GranteeName, &s.TargetName); err != nil {
		return store.Share{}, err
	}
	switch {
	case topic != nil:
		s.Kind, s.TargetID = store.ShareTopic, *topic
	case folder != nil:
		s.Kind, s.TargetID = store.ShareFolder, *folder
	}
	s.Permission, s.CreatedAt = store.Permission(perm), s.CreatedAt.UTC()
	return s, nil
}

// shareTarget returns the table and the shares column of a kind.
func shareTarget(k store.ShareKind) (table, column string) {
	if k == store.ShareFolder {
		return "folders", "folder_id"
	}
	return "topics", "topic_id"
}

// SaveShare stores sh, or changes the permission of the share of the same
// target with the same grantee, in one transaction.
func (s *Store) SaveShare(ctx context.Context, sh *store.Share) error {
	const op = "share"
	if err := sh.Check(); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	owner, ok1 := parseID(sh.OwnerID)
	grantee, ok2 := parseID(sh.GranteeID)
	target, ok3 := parseID(sh.TargetID)
	if !ok1 || !ok2 || !ok3 {
		return notFound(op)
	}
	id, err := newID(op, sh.ID)
	if err != nil {
		return err
	}
	table, col := shareTarget(sh.Kind)
	created := s.timestamp(s.now())
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, "SELECT 1 FROM "+table+" WHERE id = $1 AND user_id = $2 FOR KEY SHARE",
			target, owner).Scan(&one); err != nil {
			return fmt.Errorf("%s: %w", sh.Kind, err)
		}
		if err := tx.QueryRow(ctx, "SELECT 1 FROM users WHERE id = $1", grantee).Scan(&one); err != nil {
			return fmt.Errorf("user: %w", err)
		}
		err := tx.QueryRow(ctx, "UPDATE shares SET permission = $3 WHERE "+col+" = $1 AND grantee_id = $2 RETURNING id, created_at",
			target, grantee, string(sh.Permission)).Scan(&id, &created)
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO shares (id, owner_id, grantee_id, "+col+", permission, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
			id, owner, grantee, target, string(sh.Permission), created)
		return err
	})
	if err != nil {
		return wrap(op, err)
	}
	sh.ID, sh.OwnerID, sh.GranteeID, sh.TargetID, sh.CreatedAt = id, owner, grantee, target, created.UTC()
	return nil
}

// DeleteShare removes ownerID's share of a target with granteeID.
func (s *Store) DeleteShare(ctx context.Context, ownerID string, kind store.ShareKind, targetID, granteeID string) error {
	const op = "unshare"
	owner, ok1 := parseID(ownerID)
	target, ok2 := parseID(targetID)
	grantee, ok3 := parseID(granteeID)
	if !ok1 || !ok2 || !ok3 {
		return notFound(op)
	}
	_, col := shareTarget(kind)
	tag, err := s.pool.Exec(ctx, "DELETE FROM shares WHERE owner_id = $1 AND "+col+" = $2 AND grantee_id = $3",
		owner, target, grantee)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

// Shares lists the shares userID gave and received.
func (s *Store) Shares(ctx context.Context, userID string) ([]store.Share, error) {
	const op = "list shares"
	out := []store.Share{}
	user, ok := parseID(userID)
	if !ok {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, shareSelect+" WHERE s.owner_id = $1 OR s.grantee_id = $1 ORDER BY s.created_at, s.id", user)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		sh, err := scanShare(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, sh)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// SharedDocument finds the share through which granteeID reaches
// documentID: its owner's share of a topic linked to the document, or of
// the folder the document is in or one of that folder's ancestors.
func (s *Store) SharedDocument(ctx context.Context, granteeID, documentID string) (store.Share, error) {
	const op = "shared document"
	grantee, ok1 := parseID(granteeID)
	doc, ok2 := parseID(documentID)
	if !ok1 || !ok2 {
		return store.Share{}, notFound(op)
	}
	sh, err := scanShare(s.pool.QueryRow(ctx, `WITH RECURSIVE up(id) AS (
			SELECT folder_id FROM documents WHERE id = $1 AND folder_id IS NOT NULL
			UNION SELECT f.parent_id FROM folders f JOIN up ON f.id = up.id WHERE f.parent_id IS NOT NULL)
		`+shareSelect+`
		JOIN documents d ON d.id = $1 AND d.user_id = s.owner_id
		WHERE s.grantee_id = $2 AND (
			(s.topic_id IS NOT NULL AND EXISTS (SELECT 1 FROM document_topics dt
				WHERE dt.document_id = d.id AND dt.topic_id = s.topic_id))
			OR (s.folder_id IS NOT NULL AND s.folder_id IN (SELECT id FROM up)))
		ORDER BY s.permission = 'write' DESC, s.created_at, s.id LIMIT 1`, doc, grantee))
	if err != nil {
		return store.Share{}, wrap(op, err)
	}
	return sh, nil
}
