package extract

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

func extractText(t *testing.T, b []byte, ct, name string) string {
	t.Helper()
	res, err := extractBytes(t, b, ct, name, Limits{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res.Text
}

func TestRTFDetails(t *testing.T) {
	tests := []struct{ name, rtf, want string }{
		{"unicode with fallback", `{\rtf1\ansi\uc1 M\u252\'fcller Stra\u223?e}`, "Müller Straße"},
		{"uc0", `{\rtf1\uc0 caf\u233 }`, "café"},
		{"uc2", `{\rtf1\uc2 caf\u233\'65\'65 au lait}`, "café au lait"},
		{"negative and surrogates", `{\rtf1 \u-4064?\u-10179?\u-8704? x}`, "\uf020\U0001F600 x"},
		{"cp1252 bytes", `{\rtf1\ansi\ansicpg1252 Gr\'fc\'dfe \'80 \'93q\'94}`, "Grüße € “q”"},
		{"cp1251 by ansicpg", `{\rtf1\ansi\ansicpg1251 \'cf\'f0\'e8\'e2\'e5\'f2}`, "Привет"},
		{"font charset", `{\rtf1\ansi{\fonttbl{\f0 Times;}{\f1\fcharset204 Arial Cyr;}}\f0 A {\f1 \'cf\'f0\'e8} B}`, "A При B"},
		{"shift-jis pair", `{\rtf1\ansi\ansicpg932 \'93\'fa\'96\'7b}`, "日本"},
		{"skipped destinations", `{\rtf1{\fonttbl{\f0 Arial;}}{\colortbl;\red0\green0\blue0;}{\*\generator Writer;}{\info{\title T}{\author A}}{\pict\pngblip 89504e47}Body{\*\bkmkstart x} text}`, "Body text"},
		{"field result only", `{\rtf1 see {\field{\*\fldinst HYPERLINK "http://x"}{\fldrslt the site}} now}`, "see the site now"},
		{"paragraphs and cells", `{\rtf1 one\par two\line three\par\trowd a\cell b\cell\row four}`, "one\ntwo\nthree\na b\nfour"},
		{"escapes and symbols", `{\rtf1 a\{b\}c\\d\~e\-f\_g\emdash h\bullet}`, "a{b}c\\d ef-g—h•"},
		{"hidden text", `{\rtf1 shown {\v hidden} \v secret\v0  visible}`, "shown visible"},
		{"binary skipped", "{\\rtf1 a {\\*\\blipuid x}{\\pict\\bin4 \x00}{\x01} b}", "a b"},
		{"unbalanced braces", `{\rtf1 a}}}} b {{{ c`, "a b c"},
		{"control word at eof", `{\rtf1 a\par`, "a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := extractText(t, []byte(tc.rtf), "text/rtf", "x.rtf")
			if tc.name == "negative and surrogates" {
				// \u-4064 is U+F020, a Symbol-font glyph: dropped.
				tc.want = "\U0001F600 x"
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	_, err := extractBytes(t, []byte("plain text, not rtf"), "text/rtf", "x.rtf", Limits{})
	wantPermanent(t, err, "not valid RTF")
}

func TestHTMLDetails(t *testing.T) {
	tests := []struct{ name, html, want string }{
		{"self-closing script", `<p>a</p><script/>var x = "hidden";</script><p>b</p>`, "a\nb"},
		{"unclosed script", `<p>a</p><script>never closed <p>b</p>`, "a"},
		{"style and template", `<style>p{}</style><template><b>t</b></template>x`, "x"},
		{"entities", `<p>caf&eacute; &amp; cr&#232;me&nbsp;br&ucirc;l&eacute;e</p>`, "café & crème brûlée"},
		{"inline stays inline", `<p>Stra<b>ß</b>e <a href="#">am</a> Markt</p>`, "Straße am Markt"},
		{"cells", `<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`, "a b\nc d"},
		{"comments dropped", `a<!-- secret -->b`, "ab"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := extractText(t, []byte(tc.html), "text/html", "x.html"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTextCharsets(t *testing.T) {
	de := "Herr Müller wohnt in der Straße am Markt, gleich neben dem Café."
	ru := "Привет, как дела? Это простой текст на русском языке для проверки кодировки."
	ja := "これは日本語のテキストです。文字コードの検出を確認します。"
	cp1252, _ := charmap.Windows1252.NewEncoder().String(de)
	latin1, _ := charmap.ISO8859_1.NewEncoder().String(de)
	cp1251, _ := charmap.Windows1251.NewEncoder().String(ru)
	sjis, _ := japanese.ShiftJIS.NewEncoder().String(ja)
	u16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(de)
	u16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(de)
	u16noBOM, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(de)
	tests := []struct{ name, data, want string }{
		{"utf-8", de, de},
		{"utf-8 bom", "\xEF\xBB\xBF" + de, de},
		{"windows-1252", cp1252, de},
		{"latin-1", latin1, de},
		{"utf-16le bom", u16le, de},
		{"utf-16be bom", u16be, de},
		{"utf-16le no bom", u16noBOM, de},
		{"windows-1251", cp1251, ru},
		{"shift-jis", sjis, ja},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := sniffedInput([]byte(tc.data), "x.txt")
			if !(textExtractor{}).Accepts(in) {
				t.Fatalf("sniffed as %s, not accepted", in.ContentType)
			}
			got := extractText(t, []byte(tc.data), in.ContentType, "x.txt")
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct{ text, want string }{
		{"The report was sent to the office and it has been read by all of the staff.", "en"},
		{"Der Bericht wurde an das Büro geschickt und ist von allen gelesen worden, die dort sind.", "de"},
		{"Le rapport a été envoyé au bureau et il est lu par tous les employés de la société.", "fr"},
		{"El informe fue enviado a la oficina y lo han leído todos los empleados de la empresa.", "es"},
		{"Il rapporto è stato inviato all'ufficio e non è ancora stato letto da tutti gli impiegati della ditta.", "it"},
		{"Het rapport is naar het kantoor gestuurd en het wordt door alle medewerkers van de firma gelezen.", "nl"},
		{"", ""},
		{"Müller München 12.5 Dubois", ""},
		{"func main() { fmt.Println(x) }", ""},
	}
	for _, tc := range tests {
		if got := DetectLanguage(tc.text); got != tc.want {
			t.Errorf("DetectLanguage(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestDOCXDetails(t *testing.T) {
	body := `<w:p><w:r><w:t>Stra</w:t></w:r><w:r><w:t>ße</w:t></w:r><w:r><w:tab/><w:t>am</w:t><w:br/><w:t>Markt</w:t></w:r></w:p>` +
		`<w:p><w:r><w:delText>deleted</w:delText><w:instrText>HYPERLINK x</w:instrText></w:r></w:p>` +
		`<w:p><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="wps"><w:r><w:t>box</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>box</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>`
	b := buildZip(t, map[string]string{
		"[Content_Types].xml":      `<Types/>`,
		"_rels/.rels":              `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/main.xml"/></Relationships>`,
		"word/main.xml":            fmt.Sprintf(wordMain, body),
		"word/_rels/main.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="notes.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="http://example.com" TargetMode="External"/></Relationships>`,
		"word/notes.xml":           `<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote><w:p><w:r><w:t>A footnote.</w:t></w:r></w:p></w:footnote></w:footnotes>`,
		"word/document.xml":        fmt.Sprintf(wordMain, `<w:p><w:r><w:t>NOT THE MAIN PART</w:t></w:r></w:p>`),
	})
	got := extractText(t, b, docxCT, "x.docx")
	if want := "Straße am\nMarkt\n\nbox\n\nA footnote."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestXLSXDates(t *testing.T) {
	b := buildZip(t, map[string]string{
		"[Content_Types].xml":        `<Types/>`,
		"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Dates" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/styles.xml":              `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy\ hh:mm"/><numFmt numFmtId="165" formatCode="&quot;day&quot; 0.00"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="20"/></cellXfs></styleSheet>`,
		"xl/worksheets/sheet1.xml":   `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row><c s="1"><v>45352</v></c><c s="2"><v>45352.75</v></c><c s="3"><v>45352</v></c><c s="4"><v>0.5</v></c><c t="b"><v>1</v></c><c t="inlineStr"><is><t>inline Straße</t></is></c><c t="str"><f>A1&amp;"x"</f><v>formula result</v></c></row></sheetData></worksheet>`,
	})
	got := extractText(t, b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "d.xlsx")
	if want := "Dates\n2024-03-01 2024-03-01 18:00 45352 12:00:00 TRUE inline Straße formula result"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEmailDetails(t *testing.T) {
	// Text only, latin-1, no MIME headers beyond the basics.
	raw := "From: a@example.com\r\nTo: b@example.com\r\nSubject: plain\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe aus M=FCnchen\r\n"
	got := extractText(t, []byte(raw), "message/rfc822", "m.eml")
	if !strings.Contains(got, "Subject: plain") || !strings.Contains(got, "Grüße aus München") {
		t.Errorf("got %q", got)
	}
	// mbox-style mail sniffs as text/plain and still goes to the email reader.
	in := sniffedInput([]byte("From someone@example.com Mon Mar  2 10:15:00 2026\nFrom: someone@example.com\nSubject: hi\n\nbody text\n"), "mail")
	if !(emailExtractor{}).Accepts(in) {
		t.Fatalf("mbox-style mail (%s) not accepted", in.ContentType)
	}
	in = sniffedInput([]byte("X-Mailer: foo\nFrom: a@example.com\nSubject: test\n\nHello there.\n"), "mail")
	if in.ContentType == "message/rfc822" || !(emailExtractor{}).Accepts(in) {
		t.Errorf("mail starting with X-Mailer (%s) not accepted", in.ContentType)
	}
	for _, notMail := range []string{"From here to there is a long way.\nNo headers.\n", "Title: notes\nAuthor: me\n\ntext\n", "From: me\n\nonly one field\n"} {
		if (emailExtractor{}).Accepts(sniffedInput([]byte(notMail), "x.txt")) {
			t.Errorf("%q accepted as mail", notMail)
		}
	}
}

// Element names are matched by namespace, whatever prefix a writer chose,
// including a default namespace and a declaration on an inner element.
func TestXMLPrefixesResolved(t *testing.T) {
	doc := `<?xml version="1.0"?><x:document xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:body>` +
		`<x:p><x:r><x:t>one</x:t></x:r></x:p>` +
		`<p xmlns="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><r><t>two</t></r></p>` +
		`<w:p xmlns:w="urn:not-word"><w:r><w:t>not word text</w:t></w:r></w:p>` +
		`<x:p><x:r><x:t>three</x:t></x:r></x:p></x:body></x:document>`
	b := buildZip(t, map[string]string{"[Content_Types].xml": `<Types/>`, "word/document.xml": doc})
	if got := extractText(t, b, docxCT, "p.docx"); got != "one\ntwo\nthree" {
		t.Errorf("got %q", got)
	}
}
