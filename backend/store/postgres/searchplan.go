package postgres

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/docsift/docsift/backend/store"
)

// searchPlan is one Search turned into SQL.
type searchPlan struct {
	args  []any
	tq    tsQuery
	from  string   // FROM clause of the matching rows (alias s, and d when joined)
	where []string // conditions on them
	// key is the sort key column the matching rows are selected with (as
	// k), and order sorts them: by k and document_id, after rank in
	// relevance order. outer sorts the page joined to documents.
	key, order, outer string
}

// planSearch builds the SQL pieces of q. ok is false when nothing can
// match: a user, topic or folder id that is not a UUID, or no word.
func planSearch(q store.SearchQuery, sort store.Sort) (plan searchPlan, ok bool, err error) {
	f := q.Filter
	user, ok := parseID(f.UserID)
	if !ok {
		return plan, false, nil
	}
	plan.args = []any{user}
	arg := func(v any) string {
		plan.args = append(plan.args, v)
		return "$" + strconv.Itoa(len(plan.args))
	}
	tq, ok, err := buildTSQuery(q, arg)
	if err != nil || !ok {
		return plan, false, err
	}
	plan.tq = tq
	plan.where = []string{"s.user_id = $1"}
	joinDocs := false
	// narrow is what the index is asked besides the query: the names of
	// the topics every hit is linked to.
	var narrow []string
	topicFilter := func(ids []string, not bool) bool {
		var uuids []string
		for _, id := range ids {
			if u, ok := parseID(id); ok {
				uuids = append(uuids, u)
			}
		}
		if len(uuids) == 0 {
			return not // linked to none of no topics: every document
		}
		cond := "EXISTS (SELECT 1 FROM document_topics dt WHERE dt.document_id = s.document_id AND dt.topic_id = ANY (" + arg(uuids) + "::uuid[]))"
		if not {
			cond = "NOT " + cond
		} else if len(uuids) == 1 && tq.shape == store.ShapeMatch {
			// The topic's name is in the vector of every document linked
			// to it: the index intersects the query with it first (a
			// common word in a small topic then reads a fraction of the
			// rows), and the link itself is checked exactly. A name
			// without lexemes (only stop words) adds nothing: q && '' is q.
			narrow = append(narrow, "coalesce((SELECT phraseto_tsquery('docsift', docsift_search_words(t.name))"+
				" FROM topics t WHERE t.id = "+arg(uuids[0])+"), ''::tsquery)")
		}
		plan.where = append(plan.where, cond)
		return true
	}
	if f.TopicID != nil && !topicFilter([]string{*f.TopicID}, false) {
		return plan, false, nil
	}
	if f.FolderID != nil {
		folder, ok := parseID(*f.FolderID)
		if !ok {
			return plan, false, nil
		}
		joinDocs = true
		plan.where = append(plan.where, "d.folder_id = "+arg(folder))
	}
	if f.Unfiled {
		joinDocs = true
		plan.where = append(plan.where, "d.folder_id IS NULL")
	}
	if f.Status != nil {
		joinDocs = true
		plan.where = append(plan.where, "d.status = "+arg(string(*f.Status)))
	}
	if f.Inbox {
		joinDocs = true
		plan.where = append(plan.where, inboxCond)
	}
	for _, flt := range q.AllFilters() {
		switch flt.Kind {
		case store.FilterTopic:
			if !topicFilter(flt.IDs, flt.Not) {
				return plan, false, nil
			}
		case store.FilterFolder:
			var uuids []string
			for _, id := range flt.IDs {
				if u, ok := parseID(id); ok {
					uuids = append(uuids, u)
				}
			}
			if len(uuids) == 0 {
				if !flt.Not {
					return plan, false, nil
				}
				continue
			}
			joinDocs = true
			cond := "d.folder_id = ANY (" + arg(uuids) + "::uuid[])"
			if flt.Not {
				cond = "(d.folder_id IS NULL OR NOT " + cond + ")"
			}
			plan.where = append(plan.where, cond)
		case store.FilterType:
			joinDocs = true
			cond := "starts_with(d.content_type, " + arg(flt.TypePrefix) + ")"
			if flt.Not {
				cond = "NOT " + cond
			}
			plan.where = append(plan.where, cond)
		case store.FilterCreated:
			var parts []string
			if flt.From != nil {
				parts = append(parts, "s.created_at >= "+arg(flt.From.UTC()))
			}
			if flt.To != nil {
				parts = append(parts, "s.created_at < "+arg(flt.To.UTC()))
			}
			switch {
			case len(parts) == 0 && flt.Not:
				return plan, false, nil
			case len(parts) == 0:
			case flt.Not:
				plan.where = append(plan.where, "NOT ("+strings.Join(parts, " AND ")+")")
			default:
				plan.where = append(plan.where, parts...)
			}
		default:
			return plan, false, fmt.Errorf("unknown filter kind %d", flt.Kind)
		}
	}
	switch tq.shape {
	case store.ShapeMatch:
		m := tq.match
		if len(narrow) > 0 {
			m = "(" + m + " && " + strings.Join(narrow, " && ") + ")"
		}
		plan.where = append(plan.where, "s.search @@ "+m)
	case store.ShapeExclude:
		plan.where = append(plan.where, "NOT (s.search @@ "+tq.match+")")
	}

	switch {
	case !q.ByDate && tq.shape == store.ShapeMatch:
		plan.key, plan.order = "s.created_at", "rank DESC, k DESC, document_id DESC"
		plan.outer = "h.rank DESC, d.created_at DESC, d.id DESC"
	case sort == store.SortOldest:
		plan.key, plan.order = "s.created_at", "k ASC, document_id ASC"
		plan.outer = "d.created_at ASC, d.id ASC"
	case sort == store.SortName:
		joinDocs = true
		plan.key, plan.order = "d.filename_key", "k ASC, document_id ASC"
		plan.outer = "d.filename_key ASC, d.id ASC"
	case sort == store.SortSize:
		joinDocs = true
		plan.key, plan.order = "d.size_bytes", "k DESC, document_id DESC"
		plan.outer = "d.size_bytes DESC, d.id DESC"
	default: // newest
		plan.key, plan.order = "s.created_at", "k DESC, document_id DESC"
		plan.outer = "d.created_at DESC, d.id DESC"
	}
	plan.from = "document_search s"
	if joinDocs {
		plan.from += " JOIN documents d ON d.id = s.document_id"
	}
	return plan, true, nil
}

// pageSQL selects one page of hits: documentColumns, rank, snippet and,
// when counted, the number of matches. The inner query picks the page's
// ids (ranking every match it reads, in relevance order); the outer one
// reads those documents and makes their snippets.
//
// The matching rows are selected in a subquery fenced by OFFSET 0, so that
// rank is computed as each row is read and the count's window keeps only
// narrow rows (otherwise it would hold every match's tsvector and spill to
// disk). Date order without a count needs no fence: it may walk the date
// index and stop after the page.
func (p searchPlan) pageSQL(where []string, byDate, counted bool, limit, offset int) string {
	rank := "0::real" // listed, not ranked
	if p.tq.shape == store.ShapeMatch {
		rank = "ts_rank(" + rankWeights + ", s.search, " + p.tq.match + ", " + rankNormalization + ")"
	}
	cols := "s.document_id, " + p.key + " AS k"
	outerRank := "h.rank"
	outerJoin := " JOIN documents d ON d.id = h.document_id"
	if byDate {
		// Rank only the page's rows.
		outerRank = rank
		outerJoin += " JOIN document_search s ON s.document_id = h.document_id"
	} else {
		cols += ", " + rank + " AS rank"
	}
	matches := "SELECT " + cols + " FROM " + p.from + " WHERE " + strings.Join(where, " AND ")
	var inner, outerCols string
	switch {
	case counted:
		inner = "SELECT m.*, count(*) OVER () AS total FROM (" + matches + " OFFSET 0) m"
		outerCols = ", h.total"
	case !byDate:
		inner = "SELECT m.* FROM (" + matches + " OFFSET 0) m"
	default:
		inner = matches
	}
	// With nothing to highlight, the snippet is the start of the text:
	// ' ' is a query no parsed word can match.
	snippet := "ts_headline('" + tsConfig + "', left(d.extracted_text, 800), $$' '$$::tsquery, " + quoteLiteral(headlineOptions) + ")"
	if p.tq.highlight != "" {
		snippet = "ts_headline('" + tsConfig + "', docsift_snippet_source(d.extracted_text, " + p.tq.highlight + "), " +
			p.tq.highlight + ", " + quoteLiteral(headlineOptions) + ")"
	}
	return "SELECT " + documentColumns + ", " + outerRank + ", " + snippet + outerCols +
		" FROM (" + inner + " ORDER BY " + p.order +
		" LIMIT " + strconv.Itoa(limit) + " OFFSET " + strconv.Itoa(offset) + ") h" +
		outerJoin + " ORDER BY " + p.outer
}

// quoteLiteral quotes a constant of this package as an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
