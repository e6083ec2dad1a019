package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// buildZip writes a deflated archive with the given members (their
// order does not matter to the readers).
func buildZip(t testing.TB, members map[string]string) []byte {
	return buildZipMethod(t, members, zip.Deflate)
}

// buildZipMethod writes an archive whose members use the given method.
func buildZipMethod(t testing.TB, members map[string]string, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	docxCT   = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	wordMain = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body></w:document>`
)

// minimalDOCX is a DOCX with the given body XML.
func minimalDOCX(t testing.TB, body string) []byte {
	return buildZip(t, map[string]string{
		"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   fmt.Sprintf(wordMain, body),
	})
}

func extractBytes(t testing.TB, b []byte, ct, name string, lim Limits) (Result, error) {
	t.Helper()
	in := Input{R: bytes.NewReader(b), Size: int64(len(b)), ContentType: ct, Name: name}
	return newDocRegistry(lim).Extract(context.Background(), in)
}

func wantPermanent(t *testing.T, err error, phrase string) {
	t.Helper()
	if !errors.Is(err, ErrPermanent) {
		t.Fatalf("err = %v, want a permanent error", err)
	}
	if !strings.Contains(err.Error(), phrase) {
		t.Fatalf("err = %q, want it to say %q", err, phrase)
	}
}

func TestZipBombDisguisedAsDOCX(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<Types/>`))
	w, _ = zw.Create("word/document.xml")
	w.Write([]byte(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>`))
	zeros := make([]byte, 1<<20)
	for range 8 { // 8 MiB of spaces in text deflate to a few KiB
		for i := range zeros {
			zeros[i] = ' '
		}
		w.Write(zeros)
	}
	w.Write([]byte(`</w:t></w:r></w:p></w:body></w:document>`))
	zw.Close()
	if buf.Len() > 64<<10 {
		t.Fatalf("bomb is %d bytes, want a small file", buf.Len())
	}
	_, err := extractBytes(t, buf.Bytes(), docxCT, "bomb.docx", Limits{MaxUncompressed: 1 << 20})
	wantPermanent(t, err, "the DOCX expands to more than 1 MiB; text not extracted")
}

// A bomb whose headers lie: the member declares a tiny size but inflates
// to much more. archive/zip and the budget both refuse it.
func TestZipBombWithLyingHeader(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<Types/>`))
	w, _ = zw.Create("word/document.xml")
	w.Write([]byte(fmt.Sprintf(wordMain, "<w:p><w:r><w:t>"+strings.Repeat("a", 4<<20)+"</w:t></w:r></w:p>")))
	zw.Close()
	b := buf.Bytes()
	// Patch the central directory's uncompressed size of document.xml to 100 bytes.
	cd := bytes.LastIndex(b, []byte("PK\x01\x02"))
	b[cd+24], b[cd+25], b[cd+26], b[cd+27] = 100, 0, 0, 0
	_, err := extractBytes(t, b, docxCT, "liar.docx", Limits{})
	if !errors.Is(err, ErrPermanent) {
		t.Fatalf("err = %v, want permanent", err)
	}
}

func TestTruncatedZip(t *testing.T) {
	b := testdataInputBytes(t, "sample.docx")
	for _, n := range []int{len(b) / 2, len(b) - 30, 100} {
		_, err := extractBytes(t, b[:n], docxCT, "cut.docx", Limits{})
		wantPermanent(t, err, "DOCX")
	}
}

func testdataInputBytes(t testing.TB, name string) []byte {
	in := testdataInput(t, name)
	b := make([]byte, in.Size)
	in.R.ReadAt(b, 0)
	return b
}

func TestBillionLaughsDOCX(t *testing.T) {
	dtd := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>`
	b := buildZip(t, map[string]string{
		"[Content_Types].xml": `<Types/>`,
		"word/document.xml":   dtd + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>`,
	})
	_, err := extractBytes(t, b, docxCT, "lol.docx", Limits{})
	wantPermanent(t, err, "declares XML entities")
}

func TestDeepXMLNesting(t *testing.T) {
	body := strings.Repeat("<w:sdt><w:sdtContent>", 5000) + strings.Repeat("</w:sdtContent></w:sdt>", 5000)
	_, err := extractBytes(t, minimalDOCX(t, body), docxCT, "deep.docx", Limits{})
	wantPermanent(t, err, "nested more than")
}

func TestTooManyZipEntries(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range maxZipEntries + 1 {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("f%d", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	_, err := extractBytes(t, buf.Bytes(), docxCT, "many.docx", Limits{})
	wantPermanent(t, err, "more than 20000 parts")
}

func TestDeepRTFNesting(t *testing.T) {
	b := []byte(`{\rtf1\ansi ` + strings.Repeat("{", 200_000) + `deep text` + strings.Repeat("}", 200_000) + ` after}`)
	res, err := extractBytes(t, b, "text/rtf", "deep.rtf", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "deep text after" {
		t.Errorf("text = %q", res.Text)
	}
}

func TestDeepMIMENesting(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: a@example.com\r\nSubject: nest\r\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\ninner\r\n")
	_, err := extractBytes(t, []byte(b.String()), "message/rfc822", "nest.eml", Limits{})
	wantPermanent(t, err, "nested parts")
}

func TestEmptyFile(t *testing.T) {
	for _, ct := range []string{"text/plain", docxCT, "text/rtf", "text/html", "message/rfc822", "application/x-ole-storage"} {
		res, err := extractBytes(t, nil, ct, "empty", Limits{})
		if err != nil {
			t.Fatalf("%s: %v", ct, err)
		}
		if res.Text != "" || res.Note == "" {
			t.Errorf("%s: got %+v, want no text and a note", ct, res)
		}
	}
}

// A file named .docx that is really text is read as text: the sniffed
// type decides, the name is only a hint.
func TestExtensionLies(t *testing.T) {
	in := sniffedInput([]byte("Herr Müller wohnt in der Straße am Markt.\n"), "report.docx")
	res, err := newDocRegistry(Limits{}).Extract(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "Herr Müller wohnt in der Straße am Markt." {
		t.Errorf("text = %q", res.Text)
	}
	// And a DOCX named .txt is a DOCX.
	in = testdataInput(t, "sample.docx")
	in.Name = "notes.txt"
	if res, err = newDocRegistry(Limits{}).Extract(context.Background(), in); err != nil || !strings.Contains(res.Text, "Straße") {
		t.Fatalf("docx named .txt: %v %q", err, res.Text)
	}
}

func TestTextCapped(t *testing.T) {
	big := strings.Repeat("Herr Müller wohnt in der Straße am Markt.\n", 10_000)
	lim := Limits{MaxTextBytes: 4096}
	docx := minimalDOCX(t, strings.Repeat("<w:p><w:r><w:t>Herr Müller wohnt in der Straße am Markt.</w:t></w:r></w:p>", 10_000))
	for _, tc := range []struct {
		name, ct string
		b        []byte
	}{
		{"big.txt", "text/plain", []byte(big)},
		{"big.docx", docxCT, docx},
		{"big.html", "text/html", []byte("<p>" + strings.ReplaceAll(big, "\n", "</p><p>") + "</p>")},
		{"big.rtf", "text/rtf", []byte(`{\rtf1 ` + strings.ReplaceAll(big, "\n", `\par `) + "}")},
	} {
		res, err := extractBytes(t, tc.b, tc.ct, tc.name, lim)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(res.Text) > 4096 || len(res.Text) < 3000 {
			t.Errorf("%s: %d bytes of text, want about 4096", tc.name, len(res.Text))
		}
		if !strings.Contains(res.Note, "only the beginning was kept") && !strings.Contains(res.Note, "only its beginning was read") {
			t.Errorf("%s: note = %q", tc.name, res.Note)
		}
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := minimalDOCX(t, strings.Repeat("<w:p><w:r><w:t>word</w:t></w:r></w:p>", 50_000))
	in := Input{R: bytes.NewReader(big), Size: int64(len(big)), ContentType: docxCT}
	_, err := docxExtractor{}.Extract(ctx, in, Limits{}.withDefaults())
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrPermanent) {
		t.Fatalf("err = %v, want a (transient) context error", err)
	}
}

// failingReader fails like a broken disk.
type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("input/output error") }

func TestReadErrorIsTransient(t *testing.T) {
	for _, ct := range []string{docxCT, "text/plain", "text/rtf", "text/html"} {
		in := Input{R: failingReader{}, Size: 1000, ContentType: ct}
		_, err := newDocRegistry(Limits{}).Extract(context.Background(), in)
		if err == nil || errors.Is(err, ErrPermanent) {
			t.Errorf("%s: err = %v, want a transient error", ct, err)
		}
	}
}

// panicReader makes a parser panic, as a bug would.
type panicReader struct{}

func (panicReader) ReadAt([]byte, int64) (int, error) { panic("boom") }

func TestPanicBecomesPermanent(t *testing.T) {
	in := Input{R: panicReader{}, Size: 10, ContentType: "text/rtf"}
	_, err := rtfExtractor{}.Extract(context.Background(), in, Limits{}.withDefaults())
	wantPermanent(t, err, "could not be read")
}

func TestEncryptedODF(t *testing.T) {
	b := buildZip(t, map[string]string{
		"mimetype":              "application/vnd.oasis.opendocument.text",
		"META-INF/manifest.xml": `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>`,
		"content.xml":           "\x8f\x01garbage",
	})
	res, err := extractBytes(t, b, "application/vnd.oasis.opendocument.text", "secret.odt", Limits{})
	if err != nil || !strings.Contains(res.Note, "password-protected") {
		t.Fatalf("got %+v, %v; want a note", res, err)
	}
}

// A text node of 32 MiB with no markup in it — a zip bomb dressed as a
// document — is refused before the XML decoder holds it in memory.
func TestMarkupRunLimit(t *testing.T) {
	body := io.MultiReader(strings.NewReader("<w:t>"), io.LimitReader(repeatByte('a'), 32<<20), strings.NewReader("</w:t>"))
	_, err := io.Copy(io.Discard, &markupRunLimit{r: body, format: "DOCX"})
	if !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "without any markup") {
		t.Fatalf("32 MiB of text in one node: %v, want a permanent failure saying why", err)
	}
	normal := strings.Repeat("<w:t>"+strings.Repeat("word ", 2000)+"</w:t>", 5000) // 50 MB, a tag every 10 KB
	if _, err := io.Copy(io.Discard, &markupRunLimit{r: strings.NewReader(normal), format: "DOCX"}); err != nil {
		t.Fatalf("a large ordinary part: %v", err)
	}
}

// repeatByte is an endless stream of c.
type repeatByte byte

func (c repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}
