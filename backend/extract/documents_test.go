package extract

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gabriel-vasile/mimetype"
)

// sniffedInput wraps b as the pipeline would: the content type sniffed
// by mimetype, the name only a hint.
func sniffedInput(b []byte, name string) Input {
	return Input{R: bytes.NewReader(b), Size: int64(len(b)), ContentType: mimetype.Detect(b).String(), Name: name}
}

// testdataInput reads a file of testdata as a sniffed Input.
func testdataInput(t testing.TB, name string) Input {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return sniffedInput(b, name)
}

// newDocRegistry is a registry of the document extractors only.
func newDocRegistry(lim Limits) *Registry {
	return NewRegistry(lim, documentExtractors(Options{}), nil)
}

func TestDocumentFormats(t *testing.T) {
	writer := []string{
		"Docsift sample document",
		"The quick brown fox jumps over the lazy dog.",
		"Herr Müller wohnt in der Straße am Markt.",
		"We met at the café near the station, and it was very pleasant.",
		"First item of the list",
		"Name City\nDubois Besançon\nWeiß Zürich",
		"This is the last paragraph of the document.",
	}
	sheet := []string{"Kunden\nName Stadt Betrag\nMüller München 12.5\nDubois café de Flore 3", "Notizen\nLieferung in die Straße am Markt"}
	slides := []string{"Quarterly review at the café", "Herr Müller presents the numbers.", "Next steps", "Open the new office in the Hauptstraße."}
	tests := []struct {
		file      string
		extractor string
		want      []string
		pages     int
		lang      string
	}{
		{"sample.docx", "docx", writer, 0, "en"},
		{"sample.odt", "odf", writer, 0, "en"},
		{"sample.rtf", "rtf", writer, 0, "en"},
		{"sample.doc", "ole", append(writer[:5:5], "This is the last paragraph of the document."), 0, "en"},
		{"sample.xlsx", "xlsx", sheet, 0, ""},
		{"sample.ods", "odf", sheet, 0, ""},
		{"sample.pptx", "pptx", slides, 2, "en"},
		{"sample.odp", "odf", slides, 2, "en"},
		{"sample.html", "html", []string{"Docsift HTML sample\n", "Welcome to the café", "Herr Müller wohnt in der Straße am Markt. This sentence continues on a new source line.", "First item\nSecond & last item", "Name City\nDubois Besançon", "line one\nline two", "The end of the page is here.\nAfter a break."}, 0, "en"},
		{"sample-cp1252.html", "html", []string{"Welcome to the café", "Herr Müller wohnt in der Straße am Markt."}, 0, "en"},
		{"sample.eml", "email", []string{"From: Jürgen Müller <juergen@example.org>", "To: Alice Example <alice@example.com>", "Subject: Grüße aus der Straße", "Date: Mon, 02 Mar 2026 10:15:00 +0100", "wir treffen uns morgen im Café an der Straße am Markt.", "Attachments: invoice-2026.pdf"}, 0, "de"},
		{"sample-mbox-html.eml", "email", []string{"Subject: Weekly news from the cafe", "This week at the café", "Herr Müller opened a new shop in the Straße am Markt."}, 0, ""},
		{"sample.txt", "text", []string{"Docsift plain text sample.", "Herr Müller wohnt in der Straße am Markt.", "café"}, 0, "en"},
		{"sample.md", "text", []string{"# Meeting notes", "We met at the **café**", "Straße am Markt"}, 0, "en"},
		{"sample.csv", "text", []string{"Name Stadt Betrag", "Müller München 12,50", "Dubois; Jean café de Flore 3", "Weiß Straße am Markt 1 7"}, 0, ""},
		{"sample.json", "text", []string{"title: Docsift JSON sample", "name: Müller", "street: Straße am Markt", "vip: true", "12.5", "item: café crème"}, 0, ""},
		{"sample-latin1.xml", "text", []string{"Herr Müller", "Straße am Markt", "We met at the café near the station."}, 0, ""},
		{"sample-cp1252.txt", "text", []string{"Herr Müller wohnt in der Straße am Markt. Wir trafen uns im Café – es war schön € 5."}, 0, "de"},
		{"sample-utf16.txt", "text", []string{"We met at the café near the station.\nHerr Müller wohnt in der Straße am Markt."}, 0, ""},
	}
	reg := newDocRegistry(Limits{})
	exs := documentExtractors(Options{})
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			in := testdataInput(t, tc.file)
			var chosen string
			for _, e := range exs {
				if e.Accepts(in) {
					chosen = e.Name()
					break
				}
			}
			if chosen != tc.extractor {
				t.Fatalf("%s (%s) went to extractor %q, want %q", tc.file, in.ContentType, chosen, tc.extractor)
			}
			res, err := reg.Extract(context.Background(), in)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Text, w) {
					t.Errorf("text lacks %q; got:\n%s", w, res.Text)
				}
			}
			for _, bad := range []string{"MUST_NOT_APPEAR", "HTML_VERSION_NOT_USED", "nor this", "\r", "\t"} {
				if strings.Contains(res.Text, bad) {
					t.Errorf("text contains %q:\n%s", bad, res.Text)
				}
			}
			if res.Pages != tc.pages {
				t.Errorf("Pages = %d, want %d", res.Pages, tc.pages)
			}
			if tc.lang != "" && res.Language != tc.lang {
				t.Errorf("Language = %q, want %q", res.Language, tc.lang)
			}
			if res.Note != "" {
				t.Errorf("unexpected note %q", res.Note)
			}
			if res.Text != Normalize(res.Text) {
				t.Error("text is not normalised")
			}
		})
	}
}

func TestLegacyExcelIsUnsupported(t *testing.T) {
	_, err := newDocRegistry(Limits{}).Extract(context.Background(), testdataInput(t, "sample.xls"))
	if !errors.Is(err, ErrPermanent) || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("err = %v, want permanent and unsupported", err)
	}
	if !strings.Contains(err.Error(), "save it as XLSX") {
		t.Errorf("err = %q, want a sentence saying what to do", err)
	}
}

// An ODT that mimetype reports only as application/zip is recognised by
// its members, whatever its name says.
func TestZipRecognisedByMembers(t *testing.T) {
	for _, file := range []string{"sample.odt", "sample.docx", "sample.xlsx", "sample.pptx", "sample.ods"} {
		in := testdataInput(t, file)
		in.ContentType = "application/zip"
		in.Name = "download.bin"
		res, err := newDocRegistry(Limits{}).Extract(context.Background(), in)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if !strings.Contains(res.Text, "Müller") {
			t.Errorf("%s: text lacks Müller: %q", file, res.Text)
		}
	}
}

// The name is the last hint: a zip whose members say nothing is read by
// the extension's format (and then fails with a sentence).
func TestZipFallsBackToExtension(t *testing.T) {
	zb := buildZip(t, map[string]string{"hello.txt": "hi"})
	in := Input{R: bytes.NewReader(zb), Size: int64(len(zb)), ContentType: "application/zip", Name: "Report.DOCX"}
	if officeKindOf(in) != kindDOCX {
		t.Fatalf("kind = %v, want DOCX from the extension", officeKindOf(in))
	}
	_, err := newDocRegistry(Limits{}).Extract(context.Background(), in)
	if !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "main part is missing") {
		t.Fatalf("err = %v, want a permanent sentence", err)
	}
	in.Name = "archive.zip"
	if _, err := newDocRegistry(Limits{}).Extract(context.Background(), in); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("plain zip: err = %v, want ErrUnsupported", err)
	}
}
