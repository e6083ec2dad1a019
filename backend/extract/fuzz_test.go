package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzLimits are small so that a fuzzed input reaching a limit is common.
var fuzzLimits = Limits{MaxTextBytes: 4096, MaxUncompressed: 1 << 20, MaxPages: 50, MaxInputBytes: 1 << 20}.withDefaults()

// fuzzSeed adds testdata files as seeds.
func fuzzSeed(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkFuzz runs an extractor's unguarded extract (a panic fails the
// fuzz run) and checks what any result must respect.
func checkFuzz(t *testing.T, ex func(context.Context, Input, Limits) (Result, error), b []byte, ct, name string) {
	in := Input{R: bytes.NewReader(b), Size: int64(len(b)), ContentType: ct, Name: name}
	res, err := ex(context.Background(), in, fuzzLimits)
	if err != nil {
		return // safely turns any error here into a sentence
	}
	if len(res.Text) > fuzzLimits.MaxTextBytes {
		t.Fatalf("text is %d bytes, over the %d limit", len(res.Text), fuzzLimits.MaxTextBytes)
	}
	if !utf8.ValidString(res.Text) {
		t.Fatal("text is not valid UTF-8")
	}
	if res.Text != Normalize(res.Text) {
		t.Fatal("text is not normalised")
	}
}

func FuzzRTF(f *testing.F) {
	fuzzSeed(f, "sample.rtf")
	for _, s := range []string{`{\rtf1 \u-10179?\u-8704?}`, `{\rtf1\ansicpg932 \'93\'fa}`, `{\rtf1 {\*\x}\bin5 abc}`, `{\rtf1{\fonttbl{\f1\fcharset204 A;}}\f1\'cf}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkFuzz(t, rtfExtractor{}.extract, b, "text/rtf", "f.rtf")
	})
}

func FuzzHTML(f *testing.F) {
	fuzzSeed(f, "sample.html", "sample-cp1252.html")
	f.Add([]byte(`<script/>x</script><template><p>a</template>&eacute;<pre>a\nb</pre>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkFuzz(t, htmlExtractor{}.extract, b, "text/html", "f.html")
	})
}

// FuzzOOXML fuzzes the zip-based readers two ways: mode's low bit says
// whether b is a whole archive, or one XML part put into a valid archive
// (so that the XML walkers, not only the zip reader, see fuzzed bytes).
func FuzzOOXML(f *testing.F) {
	// Seeds: the XML parts of the testdata files, each also wrapped in a
	// small archive. Whole LibreOffice files make slow seeds: the fuzzer
	// spends its time minimising 25 KB inputs.
	for i, n := range []string{"sample.docx", "sample.xlsx", "sample.pptx", "sample.odt", "sample.ods", "sample.odp"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		for _, part := range []string{"word/document.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "ppt/slides/slide1.xml", "content.xml"} {
			if x := zipMember(b, part); x != nil {
				f.Add(x, uint8(2*i+1))
				f.Add(fuzzArchive(f, i, x, zip.Deflate), uint8(2*i))
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, mode uint8) {
		kind := int(mode/2) % 6
		ct := []string{docxCT, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			"application/vnd.openxmlformats-officedocument.presentationml.presentation",
			"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
			"application/vnd.oasis.opendocument.presentation"}[kind]
		ex := []func(context.Context, Input, Limits) (Result, error){docxExtractor{}.extract, xlsxExtractor{}.extract,
			pptxExtractor{}.extract, odfExtractor{}.extract, odfExtractor{}.extract, odfExtractor{}.extract}[kind]
		if mode&1 == 1 {
			b = fuzzArchive(t, kind, b, zip.Store) // deflating each run would cost more than the extraction
		}
		checkFuzz(t, ex, b, ct, "f")
	})
}

// zipMember returns a member of a zip, nil if absent.
func zipMember(b []byte, name string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			defer rc.Close()
			var buf bytes.Buffer
			buf.ReadFrom(rc)
			return buf.Bytes()
		}
	}
	return nil
}

// fuzzArchive wraps fuzzed XML as the interesting part of a valid archive.
func fuzzArchive(t testing.TB, kind int, x []byte, method uint16) []byte {
	rels := `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>`
	rel := func(id, typ, target string) string {
		return `<Relationship Id="` + id + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/` + typ + `" Target="` + target + `"/>`
	}
	m := map[string]string{"[Content_Types].xml": `<Types/>`}
	switch kind {
	case 0:
		m["word/document.xml"] = string(x)
		m["word/_rels/document.xml.rels"] = sprintf(rels, rel("r1", "footnotes", "footnotes.xml"))
		m["word/footnotes.xml"] = string(x)
	case 1:
		m["xl/workbook.xml"] = `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" r:id="r1"/></sheets></workbook>`
		m["xl/_rels/workbook.xml.rels"] = sprintf(rels, rel("r1", "worksheet", "sheet.xml")+rel("r2", "sharedStrings", "ss.xml")+rel("r3", "styles", "st.xml"))
		m["xl/sheet.xml"] = string(x)
		m["xl/ss.xml"] = string(x)
		m["xl/st.xml"] = string(x)
	case 2:
		m["ppt/presentation.xml"] = string(x)
		m["ppt/_rels/presentation.xml.rels"] = sprintf(rels, rel("rId2", "slide", "slides/slide1.xml"))
		m["ppt/slides/slide1.xml"] = string(x)
	default:
		m["mimetype"] = []string{"", "", "", "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.presentation"}[kind]
		m["content.xml"] = string(x)
	}
	return buildZipMethod(t, m, method)
}

func sprintf(format string, s string) string { return strings.Replace(format, "%s", s, 1) }

// FuzzText covers the plain-text family (charset detection, CSV, JSON,
// XML) and email, chosen by kind.
func FuzzText(f *testing.F) {
	for _, n := range []string{"sample.txt", "sample.csv", "sample.json", "sample-latin1.xml", "sample-cp1252.txt", "sample-utf16.txt", "sample.eml", "sample-mbox-html.eml"} {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		for k := range uint8(5) {
			f.Add(b, k)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, kind uint8) {
		switch kind % 5 {
		case 0:
			checkFuzz(t, textExtractor{}.extract, b, "text/plain", "f.txt")
		case 1:
			checkFuzz(t, textExtractor{}.extract, b, "text/csv", "f.csv")
		case 2:
			checkFuzz(t, textExtractor{}.extract, b, "application/json", "f.json")
		case 3:
			checkFuzz(t, textExtractor{}.extract, b, "text/xml", "f.xml")
		case 4:
			checkFuzz(t, emailExtractor{}.extract, b, "message/rfc822", "f.eml")
		}
	})
}

// FuzzDOC fuzzes the legacy Word reader (compound file and piece table).
func FuzzDOC(f *testing.F) {
	fuzzSeed(f, "sample.doc", "sample.xls")
	f.Fuzz(func(t *testing.T, b []byte) {
		checkFuzz(t, oleExtractor{}.extract, b, "application/x-ole-storage", "f.doc")
	})
}

// FuzzImageHeader fuzzes what Docsift reads of an image before decoding
// any pixel: the format sniff, the HEIF box walk, TIFF page sizes, the
// JPEG EXIF orientation. Nothing may panic, and what it accepts must
// describe a sane picture.
func FuzzImageHeader(f *testing.F) {
	fuzzSeed(f, "photo.heic", "rotated.jpg", "multipage.tif", "scan.webp")
	f.Fuzz(func(t *testing.T, b []byte) {
		type probed struct {
			info imageInfo
			err  error
		}
		done := make(chan probed, 1)
		go func() {
			info, err := probeImage(bytes.NewReader(b), int64(len(b)))
			done <- probed{info, err}
		}()
		var p probed
		select {
		case p = <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("probeImage did not return") // a hang, not a speed bound
		}
		info, err := p.info, p.err
		if err != nil {
			return
		}
		if info.Format == "" {
			t.Fatal("probed without a format")
		}
		for _, p := range info.Pages {
			if p.X < 0 || p.Y < 0 {
				t.Fatalf("page of %d×%d pixels", p.X, p.Y)
			}
		}
		if info.Orientation < 0 || info.Orientation > 8 {
			t.Fatalf("EXIF orientation %d", info.Orientation)
		}
	})
}
