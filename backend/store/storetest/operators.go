package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/query"
	"github.com/docsift/docsift/backend/store"
)

// operatorCase is a query in the search syntax and the documents it must
// find (by file name); ordered: in this order (a query without words
// lists newest first).
type operatorCase struct {
	query   string
	want    []string
	ordered bool
}

// operatorCases is one table of the search syntax's operators over
// operatorCorpus, which every driver must answer identically. Phrases
// never span an English stop word (see searchTests).
var operatorCases = []operatorCase{
	// words, stems, the default scope (name, text, topic names)
	{query: "manual", want: []string{"manual.pdf", "manual.txt", "notes.txt"}},
	{query: "tax", want: []string{"invoice-2024.pdf", "receipt.png", "tax-return.pdf"}},
	{query: "2024", want: []string{"invoice-2024.pdf", "receipt.png"}},
	{query: "manual 2024"},
	{query: "manual AND printer", want: []string{"manual.txt"}},
	// negated filters
	{query: "manual -type:pdf", want: []string{"manual.txt", "notes.txt"}},
	{query: "manual -topic:Household", want: []string{"notes.txt"}},
	{query: "manual -folder:Home", want: []string{"manual.txt", "notes.txt"}},
	{query: "manual -topic:Nope", want: []string{"manual.pdf", "manual.txt", "notes.txt"}},
	{query: "manual topic:Nope"},
	{query: "-topic:Tax -topic:Household", want: []string{"notes.txt", "letter.docx", "invoicing-guide.md"}, ordered: true},
	{query: "-folder:Old", want: []string{"notes.txt", "letter.docx", "receipt.png", "invoicing-guide.md", "manual.txt", "manual.pdf"}, ordered: true},
	// filters alone list newest first
	{query: "type:pdf", want: []string{"invoice-2024.pdf", "tax-return.pdf", "manual.pdf"}, ordered: true},
	{query: "-type:pdf", want: []string{"notes.txt", "letter.docx", "receipt.png", "invoicing-guide.md", "manual.txt"}, ordered: true},
	{query: "type:image", want: []string{"receipt.png"}},
	{query: "type:text", want: []string{"notes.txt", "invoicing-guide.md", "manual.txt"}, ordered: true},
	{query: "type:docx", want: []string{"letter.docx"}},
	{query: "after:2020-01-01", want: []string{"notes.txt", "letter.docx", "receipt.png", "invoice-2024.pdf", "tax-return.pdf",
		"invoicing-guide.md", "manual.txt"}, ordered: true},
	{query: "topic:Tax after:2024-01-01", want: []string{"receipt.png", "invoice-2024.pdf"}, ordered: true},
	{query: "topic:household", want: []string{"manual.txt", "manual.pdf"}, ordered: true},
	{query: "topic:Tax topic:Household"},
	{query: "folder:Old", want: []string{"invoice-2024.pdf", "tax-return.pdf"}, ordered: true},
	{query: "folder:Home invoice", want: []string{"letter.docx"}},
	// dates: a year, a month, a day; after: includes, before: does not
	{query: "date:2024", want: []string{"letter.docx", "receipt.png", "invoice-2024.pdf"}, ordered: true},
	{query: "date:2024-05", want: []string{"letter.docx", "receipt.png"}, ordered: true},
	{query: "date:2024-05-03", want: []string{"receipt.png"}},
	{query: "after:2024-05-03", want: []string{"notes.txt", "letter.docx", "receipt.png"}, ordered: true},
	{query: "before:2024-05-03 type:pdf", want: []string{"invoice-2024.pdf", "tax-return.pdf", "manual.pdf"}, ordered: true},
	{query: "before:2024", want: []string{"tax-return.pdf", "invoicing-guide.md", "manual.txt", "manual.pdf"}, ordered: true},
	{query: "topic:Tax -after:2024", want: []string{"tax-return.pdf"}},
	{query: "topic:Tax -before:2024", want: []string{"receipt.png", "invoice-2024.pdf"}, ordered: true},
	{query: "-date:2024 type:pdf", want: []string{"tax-return.pdf", "manual.pdf"}, ordered: true},
	// grouping
	{query: "(invoice OR receipt) 2024", want: []string{"invoice-2024.pdf", "receipt.png"}},
	{query: "invoice OR receipt 2024", want: []string{"invoice-2024.pdf", "receipt.png"}},
	{query: "manual OR (invoice -dispute)", want: []string{"manual.pdf", "manual.txt", "notes.txt", "invoice-2024.pdf", "invoicing-guide.md"}},
	{query: "-(invoice OR receipt) type:pdf", want: []string{"manual.pdf"}},
	{query: "-(manual OR invoice)", want: []string{"receipt.png", "tax-return.pdf"}},
	{query: "-manual -invoice type:pdf", want: []string{"tax-return.pdf"}},
	{query: "(manual (printer OR washing)) OR plumbing", want: []string{"manual.pdf", "manual.txt", "invoice-2024.pdf"}},
	{query: "-(-manual -plumbing) -printer", want: []string{"manual.pdf", "notes.txt", "invoice-2024.pdf"}},
	// scopes
	{query: "name:invoice", want: []string{"invoice-2024.pdf", "invoicing-guide.md"}},
	{query: "text:invoice", want: []string{"invoice-2024.pdf", "letter.docx", "notes.txt"}},
	{query: "text:tax", want: []string{"tax-return.pdf"}},
	{query: "name:tax", want: []string{"tax-return.pdf"}},
	{query: "name:manual", want: []string{"manual.pdf", "manual.txt"}},
	{query: "name:(manual OR guide)", want: []string{"manual.pdf", "manual.txt", "invoicing-guide.md"}},
	{query: `name:"tax return"`, want: []string{"tax-return.pdf"}},
	{query: "name:household"},
	{query: "text:household"},
	// phrases and prefixes
	{query: `"washing machine"`, want: []string{"manual.pdf"}},
	{query: `"machine washing"`},
	{query: `"tax return"`, want: []string{"tax-return.pdf"}},
	{query: "invo*", want: []string{"invoice-2024.pdf", "letter.docx", "notes.txt", "invoicing-guide.md"}},
	{query: "name:invo*", want: []string{"invoice-2024.pdf", "invoicing-guide.md"}},
	{query: "invo* -text:dispute type:text", want: []string{"notes.txt", "invoicing-guide.md"}},
	// negated words
	{query: "receipt -tax", want: []string{"notes.txt"}},
	{query: "receipt -text:tax", want: []string{"receipt.png", "notes.txt"}},
	{query: `receipt -"hardware store"`, want: []string{"tax-return.pdf", "notes.txt"}},
	{query: "receipt -invo*", want: []string{"receipt.png", "tax-return.pdf"}},
}

// operatorCorpus creates the documents operatorCases search.
func operatorCorpus(f *searchFixture) (topics, folders map[string][]string) {
	household, tax := f.topic("Household"), f.topic("Tax")
	home, old := f.folder("Home", nil), f.folder("Old", nil)
	docx := "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	add := func(name, ctype, text, created string, folder *store.Folder, tps ...store.Topic) {
		at, err := time.Parse("2006-01-02 15:04", created)
		if err != nil {
			f.t.Fatal(err)
		}
		d := f.doc(name, func(d *store.Document) {
			d.ContentType, d.ExtractedText, d.CreatedAt = ctype, text, at
			if folder != nil {
				d.FolderID = &folder.ID
			}
		})
		if len(tps) > 0 {
			f.link(d.ID, tps...)
		}
	}
	add("manual.pdf", "application/pdf", "Owner manual of a washing machine.", "2019-03-10 09:00", &home, household)
	add("manual.txt", "text/plain", "Printer manual: setup and toner.", "2021-06-15 09:00", nil, household)
	add("invoicing-guide.md", "text/markdown", "How to write a good bill.", "2022-08-08 09:00", nil)
	add("tax-return.pdf", "application/pdf", "Annual tax return with receipts attached.", "2023-12-31 23:00", &old, tax)
	add("invoice-2024.pdf", "application/pdf", "Invoice 2024: plumbing repair, total due.", "2024-02-01 09:00", &old, tax)
	add("receipt.png", "image/png", "Receipt from the hardware store, 2024.", "2024-05-03 10:00", nil, tax)
	add("letter.docx", docx, "A letter about the invoice dispute.", "2024-05-20 09:00", &home)
	add("notes.txt", "text/plain", "Meeting notes: receipts, invoices and manuals.", "2025-01-05 09:00", nil)
	return map[string][]string{"household": {household.ID}, "tax": {tax.ID}},
		map[string][]string{"home": {home.ID}, "old": {old.ID}}
}

// testSearchOperators runs operatorCases, by relevance and by date.
func testSearchOperators(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	topics, folders := operatorCorpus(f)
	for _, c := range operatorCases {
		pq, err := query.Parse(c.query)
		if err != nil {
			t.Errorf("%s: %v", c.query, err)
			continue
		}
		sq := store.SearchQuery{Text: pq.Text}
		for _, flt := range pq.Filters {
			sf := store.SearchFilter{Kind: flt.Kind, Not: flt.Not, TypePrefix: flt.TypePrefix, From: flt.From, To: flt.To}
			switch flt.Kind {
			case store.FilterTopic:
				sf.IDs = topics[strings.ToLower(flt.Value)]
			case store.FilterFolder:
				sf.IDs = folders[strings.ToLower(flt.Value)]
			}
			sq.Filters = append(sq.Filters, sf)
		}
		for _, byDate := range []bool{false, true} {
			sq.ByDate = byDate
			p := f.run(sq)
			got := make([]string, len(p.Hits))
			for i, h := range p.Hits {
				got[i] = h.Document.Filename
			}
			same := sameSet(got, c.want)
			if c.ordered || byDate && pq.Text == nil {
				same = equalStrings(got, c.want)
			}
			if !same {
				t.Errorf("%s (by date %v) found %v, want %v", c.query, byDate, got, c.want)
			}
			if p.Total != len(c.want) || p.TotalIsEstimate {
				t.Errorf("%s (by date %v): Total %d (estimate %v), want exactly %d", c.query, byDate, p.Total, p.TotalIsEstimate, len(c.want))
			}
		}
	}
}
