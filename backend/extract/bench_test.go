package extract

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// benchExtract measures the whole document path (registry, boundary,
// parser, normalisation, language hint) on one input held in memory.
func benchExtract(b *testing.B, data []byte, name string) {
	b.Helper()
	reg := newDocRegistry(Limits{})
	in := sniffedInput(data, name)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var textBytes int
	for b.Loop() {
		in.R = bytes.NewReader(data)
		res, err := reg.Extract(context.Background(), in)
		if err != nil {
			b.Fatal(err)
		}
		textBytes = len(res.Text)
	}
	b.ReportMetric(float64(textBytes), "text-bytes")
}

func benchFile(b *testing.B, name string) {
	benchExtract(b, testdataInputBytes(b, name), name)
}

func BenchmarkExtractDOCX(b *testing.B) { benchFile(b, "sample.docx") }
func BenchmarkExtractXLSX(b *testing.B) { benchFile(b, "sample.xlsx") }
func BenchmarkExtractPPTX(b *testing.B) { benchFile(b, "sample.pptx") }
func BenchmarkExtractODT(b *testing.B)  { benchFile(b, "sample.odt") }
func BenchmarkExtractODS(b *testing.B)  { benchFile(b, "sample.ods") }
func BenchmarkExtractODP(b *testing.B)  { benchFile(b, "sample.odp") }
func BenchmarkExtractRTF(b *testing.B)  { benchFile(b, "sample.rtf") }
func BenchmarkExtractDOC(b *testing.B)  { benchFile(b, "sample.doc") }
func BenchmarkExtractHTML(b *testing.B) { benchFile(b, "sample.html") }
func BenchmarkExtractEML(b *testing.B)  { benchFile(b, "sample.eml") }
func BenchmarkExtractText(b *testing.B) { benchFile(b, "sample.txt") }
func BenchmarkExtractCSV(b *testing.B)  { benchFile(b, "sample.csv") }
func BenchmarkExtractJSON(b *testing.B) { benchFile(b, "sample.json") }

// Larger generated documents give throughput figures.

const benchSentence = "Herr Müller wohnt in der Straße am Markt, and we met at the café near the station."

func BenchmarkExtractDOCXLarge(b *testing.B) {
	var body strings.Builder
	for i := range 20_000 {
		fmt.Fprintf(&body, `<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>%d.</w:t></w:r><w:r><w:t xml:space="preserve"> %s</w:t></w:r></w:p>`, i, benchSentence)
	}
	benchExtract(b, minimalDOCX(b, body.String()), "large.docx")
}

func BenchmarkExtractXLSXLarge(b *testing.B) {
	var sheet, shared strings.Builder
	sheet.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	shared.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for i := range 20_000 {
		fmt.Fprintf(&shared, `<si><t>%s %d</t></si>`, "Straße", i)
		fmt.Fprintf(&sheet, `<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c><c r="C%d"><v>%d.25</v></c><c r="D%d" t="inlineStr"><is><t>café</t></is></c></row>`, i+1, i+1, i, i+1, i, i+1, i, i+1)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	shared.WriteString(`</sst>`)
	data := buildZip(b, map[string]string{
		"[Content_Types].xml":        `<Types/>`,
		"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   sheet.String(),
		"xl/sharedStrings.xml":       shared.String(),
	})
	benchExtract(b, data, "large.xlsx")
}

func BenchmarkExtractRTFLarge(b *testing.B) {
	var s strings.Builder
	s.WriteString(`{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Times;}}`)
	for range 20_000 {
		s.WriteString(`\pard\f0 Herr M\u252\'fcller wohnt in der Stra\'dfe am Markt, {\b and} we met at the caf\'e9 near the station.\par` + "\n")
	}
	s.WriteString("}")
	benchExtract(b, []byte(s.String()), "large.rtf")
}

func BenchmarkExtractHTMLLarge(b *testing.B) {
	var s strings.Builder
	s.WriteString(`<!DOCTYPE html><html><head><title>Large</title><style>p{}</style></head><body>`)
	for i := range 20_000 {
		fmt.Fprintf(&s, `<div class="row"><p id="p%d">%s <a href="/x/%d">link</a></p></div>`+"\n", i, benchSentence, i)
	}
	s.WriteString("</body></html>")
	benchExtract(b, []byte(s.String()), "large.html")
}

func BenchmarkExtractTextLarge(b *testing.B) {
	benchExtract(b, []byte(strings.Repeat(benchSentence+"\n", 20_000)), "large.txt")
}
