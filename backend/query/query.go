package query

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/docsift/docsift/backend/store"
)

// Query is a search as a person typed it: the text part as a tree and
// the filters, which apply to the whole search.
type Query struct {
	// Text is nil when the search has no words (filters only).
	Text    *store.SearchExpr
	Filters []Filter
}

// Empty reports whether q has neither words nor filters.
func (q Query) Empty() bool { return q.Text == nil && len(q.Filters) == 0 }

// Filter is one filter as typed, with its meaning.
type Filter struct {
	// Name is the filter's name (topic, folder, type, after, before or
	// date; tag: is read as topic:) and Value its value as typed,
	// unquoted.
	Name, Value string
	Not         bool
	// Kind is what the filter selects. TypePrefix is the content-type
	// prefix of a type: filter; From and To bound the creation time of
	// a date filter ([From, To), either may be nil). Topic and folder
	// filters carry only Value: the caller resolves the name.
	Kind       store.FilterKind
	TypePrefix string
	From, To   *time.Time
}

// String is the filter as it can be typed again.
func (f Filter) String() string {
	s := f.Name + ":" + quote(f.Value)
	if f.Not {
		s = "-" + s
	}
	return s
}

// MaxTerms bounds a query's size: a longer query is an error, not a slow
// search.
const MaxTerms = 32

// maxDepth bounds how deeply parentheses nest.
const maxDepth = 16

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

// Parse reads a search. Words must all match (in the name, the text or a
// topic's name); "a phrase" matches its words in order; invo* is a
// prefix; -x excludes x (a word, a phrase, a group or a filter); a OR b
// needs either, and binds tighter than the implicit AND; parentheses
// group. name:x and text:x (or name:(…)) look in the file name or the
// extracted text only. topic:, folder:, type:, after:, before: and date:
// filter the whole search; dates are 2024, 2024-05 or 2024-05-03 (UTC).
// A mistake is an *Error with a sentence that points at it.
func Parse(s string) (Query, error) {
	toks, src, err := tokenize(s)
	if err != nil {
		return Query{}, err
	}
	p := &parser{toks: toks, src: src}
	root, err := p.and()
	if err != nil {
		return Query{}, err
	}
	if p.i < len(p.toks) { // only a ) stops the top level early
		t := p.toks[p.i]
		return Query{}, errAt(t.pos, "the closing parenthesis at position %d has no opening one", t.pos)
	}
	if p.terms > MaxTerms {
		return Query{}, errAt(0, "a search can have at most %d words, this one has %d", MaxTerms, p.terms)
	}
	return build(root)
}

// node is a parsed piece of a query before it is checked: a term, a
// filter, or an operator over args.
type node struct {
	op     store.SearchOp
	term   store.SearchTerm
	filter *Filter
	args   []*node
	pos    int
	raw    string
}

type parser struct {
	src   []rune
	toks  []tok
	i     int
	depth int
	terms int
}

func (p *parser) peek() (tok, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return tok{}, false
}

// and reads operands (each maybe a choice of ORs) up to a ) or the end;
// nil when there is nothing to search for (only punctuation). OR binds
// tighter than AND, written or not: a OR b c is (a OR b) c.
func (p *parser) and() (*node, error) {
	var items []*node
	read := 0
	for {
		t, ok := p.peek()
		if !ok || t.kind == tRParen {
			break
		}
		switch t.kind {
		case tOr:
			return nil, errAt(t.pos, "OR at position %d needs something to search for before it", t.pos)
		case tAnd:
			p.i++
			next, ok := p.peek()
			if read == 0 || !ok || next.kind == tRParen || next.kind == tOr || next.kind == tAnd {
				return nil, errAt(t.pos, "AND at position %d needs something to search for on each side", t.pos)
			}
			continue
		}
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		read++
		if n != nil {
			items = append(items, n)
		}
	}
	switch len(items) {
	case 0:
		return nil, nil
	case 1:
		return items[0], nil
	}
	return &node{op: store.OpAnd, args: items, pos: items[0].pos, raw: items[0].raw}, nil
}

// or reads one operand and the ones joined to it by OR.
func (p *parser) or() (*node, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	alts := []*node{first}
	for {
		t, ok := p.peek()
		if !ok || t.kind != tOr {
			break
		}
		p.i++
		next, ok := p.peek()
		if !ok || next.kind == tRParen || next.kind == tOr || next.kind == tAnd {
			return nil, errAt(t.pos, "OR at position %d needs something to search for after it", t.pos)
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		alts = append(alts, x)
	}
	var kept []*node
	for _, a := range alts {
		if a != nil {
			kept = append(kept, a)
		}
	}
	switch len(kept) {
	case 0:
		return nil, nil
	case 1:
		return kept[0], nil
	}
	return &node{op: store.OpOr, args: kept, pos: kept[0].pos, raw: kept[0].raw}, nil
}

// unary reads one operand: -x, (…), name:(…), a filter or a term.
func (p *parser) unary() (*node, error) {
	t := p.toks[p.i]
	p.i++
	switch t.kind {
	case tNeg:
		next, ok := p.peek()
		if !ok || next.kind == tOr || next.kind == tAnd || next.kind == tRParen {
			return nil, errAt(t.pos, "the - at position %d must stand right before what it excludes", t.pos)
		}
		x, err := p.unary()
		if err != nil || x == nil {
			return nil, err
		}
		return &node{op: store.OpNot, args: []*node{x}, pos: t.pos, raw: "-" + x.raw}, nil
	case tLParen, tScope:
		if p.depth++; p.depth > maxDepth {
			return nil, errAt(t.pos, "parentheses nest deeper than %d levels at position %d", maxDepth, t.pos)
		}
		if next, ok := p.peek(); ok && next.kind == tRParen {
			return nil, errAt(t.pos, "the parentheses at position %d hold nothing to search for", t.pos)
		}
		x, err := p.and()
		if err != nil {
			return nil, err
		}
		end, ok := p.peek()
		if !ok || end.kind != tRParen {
			return nil, errAt(t.pos, "the parenthesis at position %d is never closed", t.pos)
		}
		p.i++
		p.depth--
		if x != nil && t.kind == tScope {
			field := store.FieldName
			if t.text == "text" {
				field = store.FieldText
			}
			if err := scope(x, field, t); err != nil {
				return nil, err
			}
		}
		if x != nil && x.op != store.OpTerm && x.filter == nil {
			x.pos, x.raw = t.pos, string(p.src[t.pos-1:end.pos])
		}
		return x, nil
	case tWord:
		return p.word(t)
	}
	return nil, errAt(t.pos, "%s at position %d is out of place", t.raw, t.pos)
}

// scope sets field on every term of x; a filter in it is a mistake.
func scope(x *node, field store.SearchField, t tok) error {
	if x.filter != nil {
		return errAt(x.pos, "%s at position %d is a filter: it cannot be inside %s", x.raw, x.pos, t.raw)
	}
	if x.op == store.OpTerm && x.term.Field == store.FieldAny {
		x.term.Field = field
	}
	for _, a := range x.args {
		if err := scope(a, field, t); err != nil {
			return err
		}
	}
	return nil
}

// word reads a word token: a filter, a scoped term or a term; nil when
// it holds nothing to search for.
func (p *parser) word(t tok) (*node, error) {
	colon := strings.IndexByte(t.text, ':')
	if colon > 0 && (t.quoteAt < 0 || colon < t.quoteAt) {
		name := strings.ToLower(t.text[:colon])
		value := t.text[colon+1:]
		quoted := t.quoteAt == colon+1
		switch name {
		case "topic", "tag", "folder", "type", "after", "before", "date":
			if strings.TrimSpace(value) == "" {
				return nil, errAt(t.pos, "%s: at position %d needs a value, like %s", name, t.pos, example(name))
			}
			f, err := newFilter(name, value, t)
			if err != nil {
				return nil, err
			}
			return &node{filter: &f, pos: t.pos, raw: t.raw}, nil
		case "name", "text":
			if value == "" {
				return nil, errAt(t.pos, "%s: at position %d needs a word, like %s:report", name, t.pos, name)
			}
			qa := -1
			if quoted {
				qa = 0
			}
			n := p.term(value, qa, t)
			if n != nil {
				n.term.Field = store.FieldName
				if name == "text" {
					n.term.Field = store.FieldText
				}
			}
			return n, nil
		}
	}
	return p.term(t.text, t.quoteAt, t), nil
}

// term makes a term of text: a phrase when quoted or of several words
// (e-mail), a prefix when it ends in * unquoted. nil when no letter or
// digit is left.
func (p *parser) term(text string, quoteAt int, t tok) *node {
	quoted := quoteAt == 0
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return nil
	}
	p.terms++
	term := store.SearchTerm{Text: strings.Join(words, " "), Phrase: len(words) > 1}
	if !quoted && len(words) == 1 && strings.HasSuffix(text, "*") {
		term.Prefix = true
	}
	return &node{op: store.OpTerm, term: term, pos: t.pos, raw: t.raw}
}

// example is a filter's example value for sentences.
func example(name string) string {
	switch name {
	case "topic", "tag":
		return `topic:Tax or topic:"Health Insurance"`
	case "folder":
		return "folder:Old"
	case "type":
		return "type:pdf"
	}
	return name + ":2024-05"
}

// newFilter reads name:value.
func newFilter(name, value string, t tok) (Filter, error) {
	f := Filter{Name: name, Value: value}
	switch name {
	case "topic", "tag":
		f.Name, f.Kind = "topic", store.FilterTopic
	case "folder":
		f.Kind = store.FilterFolder
	case "type":
		f.Kind = store.FilterType
		v := strings.ToLower(strings.TrimPrefix(value, "."))
		ct, ok := typeAliases[v]
		if !ok {
			if !strings.Contains(v, "/") {
				return f, errAt(t.pos, "type:%s at position %d is not a type this search knows: try pdf, image, text, docx, xlsx, odt or email", value, t.pos)
			}
			ct = v
		}
		f.TypePrefix = ct
	default:
		f.Kind = store.FilterCreated
		from, to, ok := period(value)
		if !ok {
			return f, errAt(t.pos, "%s: at position %d needs a date like 2024, 2024-05 or 2024-05-03, not %q", name, t.pos, value)
		}
		switch name {
		case "after":
			f.From = &from
		case "before":
			f.To = &from
		default:
			f.From, f.To = &from, &to
		}
	}
	return f, nil
}

// period reads 2024, 2024-05 or 2024-05-03 as the time span it names
// (UTC): its start and the start of the next.
func period(v string) (from, to time.Time, ok bool) {
	for _, l := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
	} {
		if len(v) != len(l.layout) {
			continue
		}
		t, err := time.Parse(l.layout, v)
		if err != nil {
			return from, to, false
		}
		return t, l.next(t), true
	}
	return from, to, false
}

// build splits the parsed tree into text and filters and brings the text
// into the shape store.SearchExpr promises.
func build(root *node) (Query, error) {
	var q Query
	if root == nil {
		return q, nil
	}
	top := []*node{root}
	if root.op == store.OpAnd && root.filter == nil {
		top = root.args
	}
	var text []store.SearchExpr
	for _, n := range top {
		switch {
		case n.filter != nil:
			q.Filters = append(q.Filters, *n.filter)
			continue
		case n.op == store.OpNot && n.args[0].filter != nil:
			f := *n.args[0].filter
			f.Not = !f.Not
			q.Filters = append(q.Filters, f)
			continue
		}
		if f := findFilter(n); f != nil {
			return Query{}, errAt(f.pos, "%s at position %d is a filter: it applies to the whole search, so it cannot be inside parentheses or joined by OR", f.raw, f.pos)
		}
		e, err := normalize(n)
		if err != nil {
			return Query{}, err
		}
		text = append(text, e)
	}
	if len(text) > 0 {
		e := and(text)
		q.Text = &e
	}
	return q, nil
}

// findFilter returns a filter node inside n.
func findFilter(n *node) *node {
	if n.filter != nil {
		return n
	}
	for _, a := range n.args {
		if f := findFilter(a); f != nil {
			return f
		}
	}
	return nil
}

// normalize turns a parsed node into the canonical tree: nested Ands and
// Ors flattened, --x read as x, -(-a -b) as (a OR b); an excluded part
// among the choices of an OR is a mistake.
func normalize(n *node) (store.SearchExpr, error) {
	switch n.op {
	case store.OpTerm:
		return store.Term(n.term), nil
	case store.OpNot:
		x, err := normalize(n.args[0])
		if err != nil {
			return x, err
		}
		switch {
		case x.Op == store.OpNot:
			return x.Args[0], nil
		case onlyNots(x):
			inner := make([]store.SearchExpr, len(x.Args))
			for i, a := range x.Args {
				inner[i] = a.Args[0]
			}
			return or(inner), nil
		}
		return store.Not(x), nil
	case store.OpAnd:
		args := make([]store.SearchExpr, 0, len(n.args))
		for _, a := range n.args {
			x, err := normalize(a)
			if err != nil {
				return x, err
			}
			args = append(args, x)
		}
		return and(args), nil
	}
	args := make([]store.SearchExpr, 0, len(n.args))
	for _, a := range n.args {
		x, err := normalize(a)
		if err != nil {
			return x, err
		}
		if x.Op == store.OpNot || onlyNots(x) {
			return x, errAt(a.pos, "%s at position %d only excludes: it cannot be one of the choices of OR (exclude it from the whole search or from a group instead)", a.raw, a.pos)
		}
		args = append(args, x)
	}
	return or(args), nil
}

// onlyNots reports whether x is an And of exclusions only.
func onlyNots(x store.SearchExpr) bool {
	if x.Op != store.OpAnd {
		return false
	}
	for _, a := range x.Args {
		if a.Op != store.OpNot {
			return false
		}
	}
	return true
}

func and(args []store.SearchExpr) store.SearchExpr { return flat(store.OpAnd, args) }
func or(args []store.SearchExpr) store.SearchExpr  { return flat(store.OpOr, args) }

// flat joins args with op, lifting the args of nested nodes of the same
// op; one arg is itself.
func flat(op store.SearchOp, args []store.SearchExpr) store.SearchExpr {
	var out []store.SearchExpr
	for _, a := range args {
		if a.Op == op {
			out = append(out, a.Args...)
		} else {
			out = append(out, a)
		}
	}
	if len(out) == 1 {
		return out[0]
	}
	return store.SearchExpr{Op: op, Args: out}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
