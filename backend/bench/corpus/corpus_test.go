package corpus

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestDocIsDeterministicAndCarriesItsTokens(t *testing.T) {
	words, _ := Words()
	c := &Corpus{Vocab: words, Seed: 3, Batch: "test", PDFEvery: 4, Topics: 5}
	seen := map[string]bool{}
	for i := range 40 {
		d := c.Doc(i)
		if again := c.Doc(i); again.Text != d.Text || !bytes.Equal(again.Body, d.Body) {
			t.Fatalf("document %d differs between two calls", i)
		}
		if seen[d.Token] {
			t.Fatalf("token %s twice", d.Token)
		}
		seen[d.Token] = true
		fields := strings.Fields(d.Text)
		if n := strings.Count(" "+d.Text+" ", " "+d.Token+" "); n != 1 {
			t.Errorf("document %d has its token %d times", i, n)
		}
		if fields[0] != c.BatchToken() {
			t.Errorf("document %d starts with %q, want the batch token", i, fields[0])
		}
		if strings.Contains(d.Name, d.Token) {
			t.Errorf("name %q gives the token away", d.Name)
		}
		if isPDF := strings.HasSuffix(d.Name, ".pdf"); isPDF != (i%4 == 3) || isPDF != bytes.HasPrefix(d.Body, []byte("%PDF-")) {
			t.Errorf("document %d: name %q, body %.8q", i, d.Name, d.Body)
		}
		if len(fields) < 280 || len(fields) > 360 {
			t.Errorf("document %d has %d words", i, len(fields))
		}
	}
}

// TestPDFStructure checks what a reader relies on: every xref offset
// points at its object, startxref at the xref table, and the text is in
// the content stream.
func TestPDFStructure(t *testing.T) {
	pdf := PDF("hello (world) back\\slash " + strings.Repeat("word ", 200))
	xref := bytes.LastIndex(pdf, []byte("\nxref\n")) + 1
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil || string(m[1]) != strconv.Itoa(xref) {
		t.Fatalf("startxref %q, xref table at %d", m, xref)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(pdf[xref:], -1)
	if len(entries) != 5 {
		t.Fatalf("%d xref entries", len(entries))
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := fmt.Sprintf("%d 0 obj", i+1); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %.12q", i+1, pdf[off:])
		}
	}
	if !bytes.Contains(pdf, []byte(`(hello \(world\) back\\slash word`)) {
		t.Error("text not in the content stream")
	}
}

func TestLettersAndTokens(t *testing.T) {
	if Token(0) != "zqaaaaaax" || Token(27) != "zqaaaabbx" {
		t.Errorf("tokens %s %s", Token(0), Token(27))
	}
}
