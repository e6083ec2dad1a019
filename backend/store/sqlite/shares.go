package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

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

func scanShare(sc rowScanner) (store.Share, error) {
	var (
		s             store.Share
		topic, folder sql.NullString
		perm          string
		created       int64
	)
	if err := sc.Scan(&s.ID, &s.OwnerID, &s.GranteeID, &topic, &folder, &perm, &created,
		&s.OwnerName, &s.GranteeName, &s.TargetName); err != nil {
		return store.Share{}, err
	}
	s.Kind, s.TargetID = store.ShareTopic, topic.String
	if folder.Valid {
		s.Kind, s.TargetID = store.ShareFolder, folder.String
	}
	s.Permission, s.CreatedAt = store.Permission(perm), fromMicros(created)
	return s, nil
}

// shareTargetColumn is the column that holds a share's target.
func shareTargetColumn(k store.ShareKind) string {
	if k == store.ShareFolder {
		return "folder_id"
	}
	return "topic_id"
}

// SaveShare stores s, or changes the permission of the share of the same
// target with the same grantee, in one write transaction.
func (s *Store) SaveShare(ctx context.Context, sh *store.Share) error {
	if err := sh.Check(); err != nil {
		return fmt.Errorf("sqlite: share: %w", err)
	}
	col := shareTargetColumn(sh.Kind)
	now := s.stamp()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var one int
		table := "topics"
		if sh.Kind == store.ShareFolder {
			table = "folders"
		}
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = ? AND user_id = ?`,
			sh.TargetID, sh.OwnerID).Scan(&one); err != nil {
			return notFound(err, string(sh.Kind), sh.TargetID)
		}
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = ?`, sh.GranteeID).Scan(&one); err != nil {
			return notFound(err, "user", sh.GranteeID)
		}
		var id string
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT id, created_at FROM shares WHERE `+col+` = ? AND grantee_id = ?`,
			sh.TargetID, sh.GranteeID).Scan(&id, &created)
		switch {
		case err == nil:
			sh.ID, sh.CreatedAt = id, fromMicros(created)
			_, err = tx.ExecContext(ctx, `UPDATE shares SET permission = ? WHERE id = ?`, string(sh.Permission), id)
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if sh.ID == "" {
			sh.ID = uuid.NewString()
		}
		sh.CreatedAt = now
		_, err = tx.ExecContext(ctx, `INSERT INTO shares (id, owner_id, grantee_id, `+col+`, permission, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, sh.ID, sh.OwnerID, sh.GranteeID, sh.TargetID, string(sh.Permission), now.UnixMicro())
		return classify(err)
	})
	if err != nil {
		return fmt.Errorf("sqlite: share %s %q: %w", sh.Kind, sh.TargetID, err)
	}
	return nil
}

// DeleteShare removes ownerID's share of a target with granteeID.
func (s *Store) DeleteShare(ctx context.Context, ownerID string, kind store.ShareKind, targetID, granteeID string) error {
	n, err := s.writeCount(ctx, `DELETE FROM shares WHERE owner_id = ? AND `+shareTargetColumn(kind)+` = ? AND grantee_id = ?`,
		ownerID, targetID, granteeID)
	if err != nil {
		return fmt.Errorf("sqlite: unshare: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: unshare %s %q: %w", kind, targetID, store.ErrNotFound)
	}
	return nil
}

// Shares lists the shares userID gave and received.
func (s *Store) Shares(ctx context.Context, userID string) ([]store.Share, error) {
	rows, err := s.r.QueryContext(ctx, shareSelect+`
		WHERE s.owner_id = ? OR s.grantee_id = ? ORDER BY s.created_at, s.id`, userID, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: shares: %w", err)
	}
	defer rows.Close()
	out := []store.Share{}
	for rows.Next() {
		sh, err := scanShare(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: shares: %w", err)
		}
		out = append(out, sh)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: shares: %w", err)
	}
	return out, nil
}

// SharedDocument finds the share through which granteeID reaches
// documentID: its owner's share of a topic linked to the document, or of
// the folder the document is in or one of that folder's ancestors.
func (s *Store) SharedDocument(ctx context.Context, granteeID, documentID string) (store.Share, error) {
	sh, err := scanShare(s.r.QueryRowContext(ctx, `WITH RECURSIVE up(id) AS (
			SELECT folder_id FROM documents WHERE id = ?1 AND folder_id IS NOT NULL
			UNION SELECT f.parent_id FROM folders f JOIN up ON f.id = up.id WHERE f.parent_id IS NOT NULL)
		`+shareSelect+`
		JOIN documents d ON d.id = ?1 AND d.user_id = s.owner_id
		WHERE s.grantee_id = ?2 AND (
			(s.topic_id IS NOT NULL AND EXISTS (SELECT 1 FROM document_topics dt
				WHERE dt.document_id = d.id AND dt.topic_id = s.topic_id))
			OR (s.folder_id IS NOT NULL AND s.folder_id IN (SELECT id FROM up)))
		ORDER BY s.permission = 'write' DESC, s.created_at, s.id LIMIT 1`, documentID, granteeID))
	if err != nil {
		return store.Share{}, fmt.Errorf("sqlite: %w", notFound(err, "shared document", documentID))
	}
	return sh, nil
}
