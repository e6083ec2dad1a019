package meta_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/meta"
)

// truth is one corpus document's manifest entry (see internal/corpusgen).
type truth struct {
	File          string `json:"file"`
	Lang          string `json:"lang"`
	Kind          string `json:"kind"`
	Date          string `json:"date"`
	Correspondent string `json:"correspondent"`
	AmountMinor   int64  `json:"amount_minor"`
	Currency      string `json:"currency"`
}

func loadManifest(t testing.TB, path string) []truth {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs []truth
	if err := json.Unmarshal(b, &docs); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return docs
}

// mailText renders a raw message the way backend/extract does for e-mail:
// From, To, Cc, Subject and Date lines, a blank line, the body.
func mailText(t testing.TB, raw []byte) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, h := range []string{"From", "To", "Cc", "Subject", "Date"} {
		if v := strings.TrimSpace(m.Header.Get(h)); v != "" {
			b.WriteString(h + ": " + v + "\n")
		}
	}
	b.WriteString("\n")
	body, err := io.ReadAll(m.Body)
	if err != nil {
		t.Fatal(err)
	}
	b.Write(body)
	return b.String()
}

// tally counts right answers.
type tally struct{ right, n int }

func (t *tally) add(ok bool) {
	t.n++
	if ok {
		t.right++
	}
}

func (t tally) pct() float64 {
	if t.n == 0 {
		return 0
	}
	return 100 * float64(t.right) / float64(t.n)
}

func (t tally) String() string { return fmt.Sprintf("%5.1f%% (%d/%d)", t.pct(), t.right, t.n) }

// score is one split's result.
type score struct {
	date, corr, firstSight, amount tally
	// strayAmount counts letters and e-mails that got an amount anyway.
	strayAmount tally
	byLang      map[string]*[3]tally
	misses      []string
}

// sameCorrespondent: the guess names the truth when both fold alike once
// the company form is set aside ("ACME" for "ACME GmbH").
func sameCorrespondent(guess, want string) bool {
	return meta.SameName(guess, want) || meta.SameName(meta.CoreName(guess), meta.CoreName(want))
}

// run measures a split: every document's date and amount; the
// correspondent of each document after the person confirmed the first
// document of every correspondent (that first one is scored apart, as
// "first sight").
func run(t testing.TB, dir string, docs []truth) score {
	return runWith(t, dir, docs, nil, nil)
}

// runWith is run with a memory the person already built (and the names in
// it), as when scans come in after text documents of the same senders.
func runWith(t testing.TB, dir string, docs []truth, seed *meta.Memory, seeded map[string]bool) score {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mem meta.Memory
	if seed != nil {
		mem = *seed
	}
	confirmed := map[string]bool{}
	for n := range seeded {
		confirmed[n] = true
	}
	s := score{byLang: map[string]*[3]tally{}}
	for _, d := range docs {
		raw, err := os.ReadFile(filepath.Join(dir, d.File))
		if err != nil {
			t.Fatal(err)
		}
		text := string(raw)
		if strings.HasPrefix(d.File, "real/") {
			text = mailText(t, raw)
		}
		opt := meta.Options{Language: d.Lang, Filename: d.File, Known: mem.Index(), Now: now}
		f := meta.Extract(text, opt)
		if s.byLang[d.Lang] == nil {
			s.byLang[d.Lang] = &[3]tally{}
		}
		lt := s.byLang[d.Lang]

		gotDate := ""
		if f.DocumentDate != nil {
			gotDate = f.DocumentDate.Date.String()
		}
		s.date.add(gotDate == d.Date)
		lt[0].add(gotDate == d.Date)
		if gotDate != d.Date {
			s.misses = append(s.misses, fmt.Sprintf("date %s: got %q want %s", d.File, gotDate, d.Date))
		}

		gotCorr := ""
		if f.Correspondent != nil {
			gotCorr = f.Correspondent.Name
		}
		ok := sameCorrespondent(gotCorr, d.Correspondent)
		if confirmed[d.Correspondent] {
			s.corr.add(ok)
			lt[1].add(ok)
			if !ok {
				s.misses = append(s.misses, fmt.Sprintf("corr %s: got %q want %q", d.File, gotCorr, d.Correspondent))
			}
		} else {
			s.firstSight.add(ok)
			if !ok {
				s.misses = append(s.misses, fmt.Sprintf("first-sight corr %s: got %q want %q", d.File, gotCorr, d.Correspondent))
			}
			if err := mem.Confirm(d.Correspondent, text, opt); err != nil {
				t.Fatal(err)
			}
			confirmed[d.Correspondent] = true
		}

		if d.Kind != "invoice" && d.Kind != "receipt" {
			s.strayAmount.add(f.Amount != nil)
		}
		if d.Kind == "invoice" || d.Kind == "receipt" {
			ok := f.Amount != nil && f.Amount.Minor == d.AmountMinor && f.Amount.Currency == d.Currency
			s.amount.add(ok)
			lt[2].add(ok)
			if !ok {
				got := "none"
				if f.Amount != nil {
					got = f.Amount.String()
				}
				s.misses = append(s.misses, fmt.Sprintf("amount %s: got %s want %d %s", d.File, got, d.AmountMinor, d.Currency))
			}
		}
	}
	return s
}

func (s score) report(t *testing.T, name string) {
	t.Logf("%s: document date %v, correspondent after one confirmation %v (first sight %v), amount %v; letters and e-mails with an amount anyway %v",
		name, s.date, s.corr, s.firstSight, s.amount, s.strayAmount)
	var langs []string
	for l := range s.byLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		lt := s.byLang[l]
		t.Logf("  %s: date %v  correspondent %v  amount %v", l, lt[0], lt[1], lt[2])
	}
}

// TestAccuracy measures extraction on the generated corpus (and the real
// Debian-shipped e-mails) and holds the floors measured on the held-out
// split. Run with -v to see the figures; META_MISSES=1 lists the misses of
// the tune split.
func TestAccuracy(t *testing.T) {
	tune := run(t, "testdata/corpus/tune", loadManifest(t, "testdata/corpus/tune.json"))
	tune.report(t, "tune")
	if os.Getenv("META_MISSES") != "" {
		for _, m := range tune.misses {
			t.Log(m)
		}
	}
	held := run(t, "testdata/corpus/heldout", loadManifest(t, "testdata/corpus/heldout.json"))
	held.report(t, "heldout")
	real := run(t, "testdata", loadManifest(t, "testdata/real.json"))
	t.Logf("real e-mails: document date %v, correspondent (first sight) %v", real.date, real.firstSight)
	if real.date.right != real.date.n || real.firstSight.right != real.firstSight.n {
		t.Errorf("real e-mails: %v", real.misses)
	}

	// The same held-out texts when language detection gave up ("").
	var noLang []truth
	for _, d := range loadManifest(t, "testdata/corpus/heldout.json") {
		d.Lang = ""
		noLang = append(noLang, d)
	}
	nl := run(t, "testdata/corpus/heldout", noLang)
	t.Logf("heldout without a language: document date %v, amount %v", nl.date, nl.amount)

	hand := run(t, "testdata", loadManifest(t, "testdata/hand.json"))
	t.Logf("hand-written set 1 (tuned on after its first look): document date %v, correspondent (first sight) %v, amount %v",
		hand.date, hand.firstSight, hand.amount)
	for _, m := range hand.misses {
		t.Log("  hand " + m)
	}
	hand2 := run(t, "testdata", loadManifest(t, "testdata/hand2.json"))
	t.Logf("hand-written set 2 (first look was date 12/12, correspondent 10/12, amount 7/7; the comma-form split was fixed after it): document date %v, correspondent (first sight) %v, amount %v",
		hand2.date, hand2.firstSight, hand2.amount)
	for _, m := range hand2.misses {
		t.Log("  hand2 " + m)
	}
	ocrDocs := ocrManifest(t)
	ocr := run(t, "testdata/ocr", ocrDocs)
	t.Logf("OCR of %d rendered held-out pages: document date %v, correspondent (first sight) %v, amount %v",
		ocr.date.n, ocr.date, ocr.firstSight, ocr.amount)
	// The same pages after the person confirmed each sender once on
	// another (text) held-out document.
	mem, seeded := confirmOthers(t, ocrDocs)
	ocrKnown := runWith(t, "testdata/ocr", ocrDocs, mem, seeded)
	t.Logf("OCR pages, sender confirmed once on another document: correspondent %v", ocrKnown.corr)
	for _, m := range ocr.misses {
		t.Log("  ocr " + m)
	}

	if held.date.n < 120 {
		t.Fatalf("held-out split has %d documents, want 120 or more", held.date.n)
	}
	// Floors a little under what was measured when this was written
	// (held-out 144/144 dates, 96/96 correspondents, 58/58 amounts; hand
	// set 2 12/12, 11/12, 7/7; OCR 12/12 dates, 12/12 confirmed
	// correspondents, 7/8 amounts), above the targets (90, 85, 90).
	floors := []struct {
		name  string
		got   tally
		floor float64
	}{
		{"held-out document date", held.date, 97},
		{"held-out correspondent", held.corr, 97},
		{"held-out amount", held.amount, 97},
		{"hand-written set 2 document date", hand2.date, 90},
		{"hand-written set 2 correspondent at first sight", hand2.firstSight, 80},
		{"hand-written set 2 amount", hand2.amount, 85},
		{"OCR document date", ocr.date, 90},
		{"OCR correspondent after one confirmation", ocrKnown.corr, 90},
		{"OCR amount", ocr.amount, 75},
	}
	for _, f := range floors {
		if f.got.pct() < f.floor {
			t.Errorf("%s right %v, below the floor %.0f%%", f.name, f.got, f.floor)
		}
	}
}

// ocrManifest is the held-out manifest cut down to the documents that
// testdata/ocr/render.sh rendered and read back with tesseract.
func ocrManifest(t testing.TB) []truth {
	b, err := os.ReadFile("testdata/ocr/files.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, f := range strings.Fields(string(b)) {
		want[f] = true
	}
	var out []truth
	for _, d := range loadManifest(t, "testdata/corpus/heldout.json") {
		if want[d.File] {
			out = append(out, d)
		}
	}
	return out
}

// confirmOthers confirms, for each OCR page's sender, the first other
// held-out text document from that sender.
func confirmOthers(t testing.TB, ocrDocs []truth) (*meta.Memory, map[string]bool) {
	skip := map[string]bool{}
	senders := map[string]bool{}
	for _, d := range ocrDocs {
		skip[d.File] = true
		senders[d.Correspondent] = true
	}
	var mem meta.Memory
	done := map[string]bool{}
	for _, d := range loadManifest(t, "testdata/corpus/heldout.json") {
		if skip[d.File] || !senders[d.Correspondent] || done[d.Correspondent] {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("testdata/corpus/heldout", d.File))
		if err != nil {
			t.Fatal(err)
		}
		if err := mem.Confirm(d.Correspondent, string(raw), meta.Options{Language: d.Lang}); err != nil {
			t.Fatal(err)
		}
		done[d.Correspondent] = true
	}
	return &mem, done
}
