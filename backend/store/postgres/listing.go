package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// Page sizes.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// order is how one Sort reads the documents table.
type order struct {
	orderBy string // ORDER BY clause, ending with the id tie-breaker
	after   string // keyset condition, %s and %s: the cursor's value and id
}

// orderFor gives the clauses of a sort; each has a matching index.
func orderFor(s store.Sort) order {
	switch s {
	case store.SortOldest:
		return order{"d.created_at ASC, d.id ASC", "(d.created_at, d.id) > (%s, %s)"}
	case store.SortName:
		return order{"d.filename_key ASC, d.id ASC", "(d.filename_key, d.id) > (%s, %s)"}
	case store.SortSize:
		return order{"d.size_bytes DESC, d.id DESC", "(d.size_bytes, d.id) < (%s, %s)"}
	default: // store.SortNewest
		return order{"d.created_at DESC, d.id DESC", "(d.created_at, d.id) < (%s, %s)"}
	}
}

// escapeLike makes s match itself literally inside a LIKE pattern (whose
// escape character is the backslash).
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Documents lists a page of a user's documents matching f, with the total
// count. The count, the page and its topics are read in one read-only
// snapshot; the topics of the whole page come from one extra query.
func (s *Store) Documents(ctx context.Context, f store.DocumentFilter) (store.DocumentPage, error) {
	const op = "list documents"
	page := store.DocumentPage{Documents: []store.Document{}}

	sort, limit, err := checkFilter(f)
	if err != nil {
		return page, fmt.Errorf("postgres: %s: %w", op, err)
	}
	var after *cursor
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor, sort)
		if err != nil {
			return page, fmt.Errorf("postgres: %s: %w", op, err)
		}
		after = &c
	}

	// Ids that are not UUIDs match nothing.
	user, ok := parseID(f.UserID)
	if !ok {
		return page, nil
	}
	args := []any{user}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"d.user_id = $1"}
	var topic string
	if f.TopicID != nil {
		var ok bool
		if topic, ok = parseID(*f.TopicID); !ok {
			return page, nil
		}
		where = append(where, "EXISTS (SELECT 1 FROM document_topics dt WHERE dt.document_id = d.id AND dt.topic_id = "+arg(topic)+")")
	}
	if f.FolderID != nil {
		folder, ok := parseID(*f.FolderID)
		if !ok {
			return page, nil
		}
		where = append(where, "d.folder_id = "+arg(folder))
	}
	if f.Unfiled {
		where = append(where, "d.folder_id IS NULL")
	}
	if f.Status != nil {
		where = append(where, "d.status = "+arg(string(*f.Status)))
	}
	if f.Inbox {
		where = append(where, inboxCond)
	}
	if f.ErrorPrefix != "" {
		// error <> '' as the partial index documents_user_noted says it.
		where = append(where, "d.error <> '' AND starts_with(d.error, "+arg(f.ErrorPrefix)+")")
	}
	if f.Query != "" {
		where = append(where, "d.filename_key LIKE "+arg("%"+escapeLike(store.FoldKey(f.Query))+"%"))
	}
	countSQL, countArgs := countFor(f, user, topic, where, args)

	ord := orderFor(sort)
	if after != nil {
		var value any
		switch sort {
		case store.SortName:
			value = after.Key
		case store.SortSize:
			value = after.Size
		default:
			value = after.time()
		}
		where = append(where, fmt.Sprintf(ord.after, arg(value), arg(after.ID)))
	}
	pageSQL := "SELECT " + documentColumns + ", d.filename_key FROM documents d WHERE " +
		strings.Join(where, " AND ") + " ORDER BY " + ord.orderBy + " LIMIT " + strconv.Itoa(limit+1)
	if after == nil && f.Offset > 0 {
		pageSQL += " OFFSET " + strconv.Itoa(f.Offset)
	}

	keys := make([]string, 0, limit+1)
	err = pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			batch := &pgx.Batch{}
			batch.Queue(countSQL, countArgs...).QueryRow(func(row pgx.Row) error {
				return row.Scan(&page.Total)
			})
			batch.Queue(pageSQL, args...).Query(func(rows pgx.Rows) error {
				for rows.Next() {
					var key string
					d, err := scanDocument(rows, false, &key)
					if err != nil {
						return err
					}
					page.Documents = append(page.Documents, d)
					keys = append(keys, key)
				}
				return rows.Err()
			})
			if err := tx.SendBatch(ctx, batch).Close(); err != nil {
				return err
			}
			if len(page.Documents) > limit {
				page.Documents = page.Documents[:limit]
				last := page.Documents[limit-1]
				c := cursor{Sort: sort, ID: last.ID}
				switch sort {
				case store.SortName:
					c.Key = keys[limit-1]
				case store.SortSize:
					c.Size = last.SizeBytes
				default:
					c.Micros = last.CreatedAt.UnixMicro()
				}
				page.NextCursor = c.encode()
			}
			return loadTopics(ctx, tx, page.Documents)
		})
	if err != nil {
		return store.DocumentPage{Documents: []store.Document{}}, wrap(op, err)
	}
	return page, nil
}

// countFor returns the cheapest exact count of every match of a listing,
// ignoring paging: the user's tally (0015_document_tally.sql) when no
// filter but status and unfiled is set, the topic's kept count when only
// its topic (the parsed id topic) is, count(*) over where (with args)
// otherwise.
func countFor(f store.DocumentFilter, user, topic string, where []string, args []any) (string, []any) {
	plain := f.Query == "" && f.ErrorPrefix == "" && !f.Inbox && f.FolderID == nil
	switch {
	case plain && f.TopicID == nil:
		sql := "SELECT coalesce(sum(n), 0) FROM document_tally WHERE user_id = $1"
		countArgs := []any{user}
		if f.Status != nil {
			sql += " AND status = $2"
			countArgs = append(countArgs, string(*f.Status))
		}
		if f.Unfiled {
			sql += " AND NOT filed"
		}
		return sql, countArgs
	case plain && f.TopicID != nil && f.Status == nil && !f.Unfiled:
		return "SELECT coalesce(max(document_count), 0) FROM topics WHERE id = $2 AND user_id = $1",
			[]any{user, topic}
	}
	return "SELECT count(*) FROM documents d WHERE " + strings.Join(where, " AND "), append([]any(nil), args...)
}

// checkFilter validates the parts of a filter that listing and search
// share and returns the sort (newest by default) and the page size
// (defaultLimit when unset, at most maxLimit).
func checkFilter(f store.DocumentFilter) (store.Sort, int, error) {
	sort := f.Sort
	if sort == "" {
		sort = store.SortNewest
	}
	if !sort.Valid() {
		return "", 0, fmt.Errorf("unknown sort %q", f.Sort)
	}
	if f.FolderID != nil && f.Unfiled {
		return "", 0, errors.New("FolderID and Unfiled exclude each other")
	}
	if f.Status != nil && !f.Status.Valid() {
		return "", 0, fmt.Errorf("unknown status %q", *f.Status)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	return sort, min(limit, maxLimit), nil
}
