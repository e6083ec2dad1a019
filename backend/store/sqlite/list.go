package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/docsift/docsift/backend/store"
)

// Page sizes: Limit 0 means defaultLimit; larger limits are capped.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// orderSpec is how one store.Sort maps onto the documents table. Each has
// an index (user_id, column, id), so a page is an index range scan.
type orderSpec struct {
	column string // the sort column; id breaks ties
	desc   bool
}

// orderFor returns the spec of s ("" is newest).
func orderFor(s store.Sort) (orderSpec, error) {
	switch s {
	case "", store.SortNewest:
		return orderSpec{"d.created_at", true}, nil
	case store.SortOldest:
		return orderSpec{"d.created_at", false}, nil
	case store.SortName:
		return orderSpec{"d.filename_key", false}, nil
	case store.SortSize:
		return orderSpec{"d.size_bytes", true}, nil
	}
	return orderSpec{}, fmt.Errorf("unknown sort %q", s)
}

// listQuery is a DocumentFilter turned into SQL.
type listQuery struct {
	f      store.DocumentFilter
	sort   store.Sort
	order  orderSpec
	where  []string // every filter but the topic, joined with AND
	args   []any
	limit  int
	offset int
	after  *cursor // keyset position, if any
}

// newListQuery validates f and builds its query.
func newListQuery(f store.DocumentFilter) (listQuery, error) {
	if f.UserID == "" {
		return listQuery{}, fmt.Errorf("no user id")
	}
	if f.FolderID != nil && f.Unfiled {
		return listQuery{}, fmt.Errorf("FolderID and Unfiled exclude each other")
	}
	if f.Status != nil && !f.Status.Valid() {
		return listQuery{}, fmt.Errorf("unknown status %q", *f.Status)
	}
	q := listQuery{f: f, sort: f.Sort, limit: f.Limit, offset: max(f.Offset, 0)}
	if q.sort == "" {
		q.sort = store.SortNewest
	}
	var err error
	if q.order, err = orderFor(q.sort); err != nil {
		return listQuery{}, err
	}
	if q.limit <= 0 {
		q.limit = defaultLimit
	}
	q.limit = min(q.limit, maxLimit)
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor, q.sort)
		if err != nil {
			return listQuery{}, err
		}
		q.after, q.offset = &c, 0
	}

	q.add("d.user_id = ?", f.UserID)
	if f.FolderID != nil {
		q.add("d.folder_id = ?", *f.FolderID)
	}
	if f.Unfiled {
		q.where = append(q.where, "d.folder_id IS NULL")
	}
	if f.Status != nil {
		q.add("d.status = ?", string(*f.Status))
	}
	if f.Inbox {
		q.where = append(q.where, inboxCond("d", "id"))
	}
	if f.ErrorPrefix != "" {
		// error <> '' as the partial index documents_user_noted says it.
		q.add("d.error <> '' AND instr(d.error, ?) = 1", f.ErrorPrefix)
	}
	if f.Query != "" {
		// instr, not LIKE: a plain substring of the folded name, so '%', '_'
		// and '\' in the query are just characters.
		q.add("instr(d.filename_key, ?) > 0", store.FoldKey(f.Query))
	}
	return q, nil
}

// add appends one condition with its argument.
func (q *listQuery) add(cond string, arg any) {
	q.where = append(q.where, cond)
	q.args = append(q.args, arg)
}

// from returns the FROM and WHERE clauses with their arguments. A topic
// filter has two shapes that return the same rows:
//
//   - drive: start from the topic's links (document_topics_topic), look up
//     each document, sort them. Costs one lookup per document of the topic.
//   - probe: walk the sort order's index and keep the documents linked to
//     the topic (a primary key probe each), until the page is full. Costs
//     about page end × documents / topic size probes.
//
// SQLite's planner cannot tell a topic of 10 documents from one of 10,000,
// so chooseTopicPlan decides, from counts the triggers keep.
func (q listQuery) from(drive bool) (string, []any) {
	where := append([]string(nil), q.where...)
	args := append([]any(nil), q.args...)
	from := "documents d"
	if q.f.ErrorPrefix != "" && q.f.TopicID == nil {
		// The few documents with a note, whatever the statistics say.
		from = "documents d INDEXED BY documents_user_noted"
	}
	if q.f.TopicID != nil {
		if drive {
			from = "document_topics dt CROSS JOIN documents d ON d.id = dt.document_id"
			where = append([]string{"dt.topic_id = ?"}, where...)
			args = append([]any{*q.f.TopicID}, args...)
		} else {
			where = append(where, "EXISTS (SELECT 1 FROM document_topics dt WHERE dt.document_id = d.id AND dt.topic_id = ?)")
			args = append(args, *q.f.TopicID)
		}
	}
	return from + " WHERE " + strings.Join(where, " AND "), args
}

// pageSQL returns the page query (one row more than the limit, to learn
// whether another page follows) and its arguments.
func (q listQuery) pageSQL(drive bool) (string, []any) {
	from, args := q.from(drive)
	dir, cmp := "ASC", ">"
	if q.order.desc {
		dir, cmp = "DESC", "<"
	}
	if q.after != nil {
		// A row value comparison: SQLite turns it into an index range.
		from += fmt.Sprintf(" AND (%s, d.id) %s (?, ?)", q.order.column, cmp)
		if q.after.S != nil {
			args = append(args, *q.after.S, q.after.ID)
		} else {
			args = append(args, *q.after.N, q.after.ID)
		}
	}
	sql := fmt.Sprintf(`SELECT %s FROM %s ORDER BY %s %s, d.id %s LIMIT ? OFFSET ?`,
		docColumns, from, q.order.column, dir, dir)
	return sql, append(args, q.limit+1, q.offset)
}

// countSQL returns the cheapest exact count of every match, ignoring
// paging: a tally the triggers keep (see 0001_init.sql) when one covers
// the filter, count(*) otherwise. A topic's count(*) always drives from
// its links: that is one lookup per document of the topic, where probing
// would be one per document of the user.
func (q listQuery) countSQL() (string, []any) {
	f := q.f
	switch {
	case f.Query != "", f.ErrorPrefix != "":
		// No tally counts substrings or notes.
	case f.TopicID == nil && f.FolderID == nil:
		sql := `SELECT coalesce(sum(n), 0) FROM document_tally WHERE user_id = ?`
		args := []any{f.UserID}
		if f.Status != nil {
			sql += ` AND status = ?`
			args = append(args, string(*f.Status))
		}
		if f.Unfiled {
			sql += ` AND filed = 0`
		}
		return sql, args
	case f.Status != nil:
		// Topics and folders are not tallied by status.
	case f.TopicID != nil && f.FolderID == nil && !f.Unfiled:
		return `SELECT coalesce(max(document_count), 0) FROM topics WHERE id = ? AND user_id = ?`,
			[]any{*f.TopicID, f.UserID}
	case f.FolderID != nil && f.TopicID == nil:
		return `SELECT coalesce(max(document_count), 0) FROM folders WHERE id = ? AND user_id = ?`,
			[]any{*f.FolderID, f.UserID}
	}
	from, args := q.from(true)
	return `SELECT count(*) FROM ` + from, args
}

// chooseTopicPlan reports whether the page should drive from the topic's
// links (see from). A lookup from a link costs about five probes (as
// measured at 100,000 documents: docs/benchmarks-history.md, "Figures
// behind choices in the code"), so driving wins while
// 5 × topic size² < page end × documents of the user.
func (q listQuery) chooseTopicPlan(ctx context.Context, tx *sql.Tx) (drive bool, err error) {
	if q.f.TopicID == nil {
		return false, nil
	}
	var topicSize, userSize int64
	err = tx.QueryRowContext(ctx, `SELECT
			coalesce((SELECT document_count FROM topics WHERE id = ? AND user_id = ?), 0),
			coalesce((SELECT sum(n) FROM document_tally WHERE user_id = ?), 0)`,
		*q.f.TopicID, q.f.UserID, q.f.UserID).Scan(&topicSize, &userSize)
	pageEnd := int64(q.offset + q.limit + 1)
	return 5*topicSize*topicSize < pageEnd*userSize, err
}

// cursorAfter returns the cursor that continues after d.
func (q listQuery) cursorAfter(d store.Document, nameKey string) string {
	c := cursor{Sort: q.sort, ID: d.ID}
	switch q.sort {
	case store.SortName:
		c.S = &nameKey
	case store.SortSize:
		c.N = &d.SizeBytes
	default:
		created := d.CreatedAt.UnixMicro()
		c.N = &created
	}
	return c.encode()
}

// Documents lists a page of documents matching f, with the total count and
// each document's topics, from one snapshot: every query runs in one read
// transaction.
func (s *Store) Documents(ctx context.Context, f store.DocumentFilter) (store.DocumentPage, error) {
	q, err := newListQuery(f)
	if err != nil {
		return store.DocumentPage{}, fmt.Errorf("sqlite: documents: %w", err)
	}
	page := store.DocumentPage{Documents: []store.Document{}}
	err = s.read(ctx, func(tx *sql.Tx) error {
		drive, err := q.chooseTopicPlan(ctx, tx)
		if err != nil {
			return err
		}
		more, lastKey, err := q.readPage(ctx, tx, drive, &page)
		if err != nil {
			return err
		}
		if more {
			page.NextCursor = q.cursorAfter(page.Documents[len(page.Documents)-1], lastKey)
		}
		// Without a cursor, a short page that is not past the end already
		// tells the total.
		if q.after == nil && !more && (len(page.Documents) > 0 || q.offset == 0) {
			page.Total = q.offset + len(page.Documents)
		} else {
			countSQL, args := q.countSQL()
			if err := tx.QueryRowContext(ctx, countSQL, args...).Scan(&page.Total); err != nil {
				return err
			}
		}
		return attachTopics(ctx, tx, page.Documents)
	})
	if err != nil {
		return store.DocumentPage{}, fmt.Errorf("sqlite: documents: %w", err)
	}
	return page, nil
}

// readPage appends up to limit documents to page; more reports that
// another row follows, and lastKey is the filename key of the last one.
func (q listQuery) readPage(ctx context.Context, tx *sql.Tx, drive bool, page *store.DocumentPage) (more bool, lastKey string, err error) {
	pageSQL, args := q.pageSQL(drive)
	rows, err := tx.QueryContext(ctx, pageSQL, args...)
	if err != nil {
		return false, "", err
	}
	defer rows.Close()
	for rows.Next() {
		if len(page.Documents) == q.limit {
			return true, lastKey, nil
		}
		d, key, err := scanDocument(rows, false)
		if err != nil {
			return false, "", err
		}
		page.Documents = append(page.Documents, d)
		lastKey = key
	}
	return false, lastKey, rows.Err()
}
