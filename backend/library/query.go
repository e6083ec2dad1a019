package library

import (
	"strings"
	"time"
	"unicode"

	"github.com/docsift/docsift/backend/store"
)

// ParsedQuery is a search query as a person typed it, split into the
// full-text part and the filters. Topic and folder are names; the library
// resolves them.
type ParsedQuery struct {
	Must        [][]store.SearchTerm
	Not         []store.SearchTerm
	Topic       string
	Folder      string
	ContentType string // a content-type prefix
	After       *time.Time
	Before      *time.Time
}

// Empty reports whether the query has no text terms.
func (q ParsedQuery) Empty() bool { return len(q.Must) == 0 }

// typeAliases map type: values to content-type prefixes.
var typeAliases = map[string]string{
	"pdf":   "application/pdf",
	"image": "image/", "img": "image/", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "tiff": "image/tiff",
	"text": "text/", "txt": "text/plain", "md": "text/markdown", "markdown": "text/markdown", "csv": "text/csv", "html": "text/html",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml", "word": "application/vnd.openxmlformats-officedocument.wordprocessingml",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml", "excel": "application/vnd.openxmlformats-officedocument.spreadsheetml",
	"pptx": "application/vnd.openxmlformats-officedocument.presentationml",
	"odt":  "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet", "odp": "application/vnd.oasis.opendocument.presentation",
	"email": "message/rfc822", "eml": "message/rfc822", "rtf": "text/rtf",
}

// maxTerms bounds a query's size: a longer query is an error, not a slow
// search.
const maxTerms = 32

// ParseQuery reads the search syntax: words (all must match), "exact
// phrase", prefix*, -excluded, a OR b, and the filters topic:, folder:,
// type:, before: and after: (dates as YYYY-MM-DD). Filter values may be
// quoted ("topic:\"Health Insurance\""). Anything it cannot read is an
// invalid-input error with a sentence.
func ParseQuery(s string) (ParsedQuery, error) {
	var q ParsedQuery
	toks, err := tokenize(s)
	if err != nil {
		return q, err
	}
	orNext := false
	for i, t := range toks {
		if !t.quoted && t.text == "OR" {
			if len(q.Must) == 0 || i == len(toks)-1 || orNext {
				return q, invalidf("OR must stand between two search words")
			}
			orNext = true
			continue
		}
		if !t.quoted {
			if name, value, ok := strings.Cut(t.text, ":"); ok && value != "" {
				if handled, err := q.filter(strings.ToLower(name), value); err != nil {
					return q, err
				} else if handled {
					if orNext {
						return q, invalidf("OR cannot join a filter")
					}
					continue
				}
			}
		}
		term, ok := makeTerm(t)
		if !ok {
			orNext = false
			continue // only punctuation: nothing to search for
		}
		switch {
		case t.negated:
			if orNext {
				return q, invalidf("OR cannot join an excluded word")
			}
			q.Not = append(q.Not, term)
		case orNext:
			last := len(q.Must) - 1
			q.Must[last] = append(q.Must[last], term)
		default:
			q.Must = append(q.Must, []store.SearchTerm{term})
		}
		orNext = false
	}
	n := len(q.Not)
	for _, g := range q.Must {
		n += len(g)
	}
	if n > maxTerms {
		return q, invalidf("a search can have at most %d words", maxTerms)
	}
	if len(q.Must) == 0 && len(q.Not) > 0 {
		return q, invalidf("a search needs at least one word to look for, not only excluded ones")
	}
	return q, nil
}

// filter applies name:value; it reports false when name is not a filter
// (the token is then searched as text, e.g. "10:30").
func (q *ParsedQuery) filter(name, value string) (bool, error) {
	switch name {
	case "topic", "tag":
		q.Topic = value
	case "folder":
		q.Folder = value
	case "type":
		v := strings.ToLower(strings.TrimPrefix(value, "."))
		ct, ok := typeAliases[v]
		if !ok {
			if strings.Contains(v, "/") {
				ct = v
			} else {
				return true, invalidf("unknown type %q: try pdf, image, text, docx, xlsx, odt or email", value)
			}
		}
		q.ContentType = ct
	case "before", "after":
		d, err := time.Parse("2006-01-02", value)
		if err != nil {
			return true, invalidf("%s: needs a date like 2026-01-31, not %q", name, value)
		}
		if name == "before" {
			q.Before = &d
		} else {
			d2 := d
			q.After = &d2
		}
	default:
		return false, nil
	}
	return true, nil
}

type token struct {
	text    string
	quoted  bool
	negated bool
}

// tokenize splits on spaces, keeping "quoted phrases" (and name:"quoted
// values") together.
func tokenize(s string) ([]token, error) {
	var toks []token
	r := []rune(s)
	for i := 0; i < len(r); {
		if unicode.IsSpace(r[i]) {
			i++
			continue
		}
		t := token{}
		if r[i] == '-' && i+1 < len(r) && !unicode.IsSpace(r[i+1]) {
			t.negated = true
			i++
		}
		var b strings.Builder
		for i < len(r) && !unicode.IsSpace(r[i]) {
			if r[i] == '"' {
				end := i + 1
				for end < len(r) && r[end] != '"' {
					end++
				}
				if end == len(r) {
					return nil, invalidf("a quoted phrase is missing its closing quote")
				}
				if b.Len() == 0 {
					t.quoted = true
				}
				b.WriteString(string(r[i+1 : end]))
				i = end + 1
				continue
			}
			b.WriteRune(r[i])
			i++
		}
		t.text = b.String()
		toks = append(toks, t)
	}
	return toks, nil
}

// makeTerm turns a token into a search term made of words only; it
// reports false when nothing searchable is left.
func makeTerm(t token) (store.SearchTerm, bool) {
	prefix := !t.quoted && strings.HasSuffix(t.text, "*")
	words := strings.FieldsFunc(t.text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return store.SearchTerm{}, false
	}
	term := store.SearchTerm{Text: strings.Join(words, " "), Phrase: len(words) > 1}
	if prefix && len(words) == 1 {
		term.Prefix = true
	}
	return term, true
}
