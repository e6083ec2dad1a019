package extract

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// maxSharedStrings bounds the shared-string table kept in memory (each
// entry costs a string header even when empty).
const maxSharedStrings = 4_000_000

// xlsxExtractor reads Excel workbooks (SpreadsheetML in a zip) directly
// with encoding/xml: each sheet's name on a line, then its cell values row
// by row, cells separated. Values are the stored ones (formulas give
// their cached result); numbers styled as dates or times are written as
// ISO dates and times, other numbers as stored (no number formats).
type xlsxExtractor struct{ log *slog.Logger }

// Name implements Extractor.
func (xlsxExtractor) Name() string { return "xlsx" }

// Accepts implements Extractor.
func (xlsxExtractor) Accepts(in Input) bool { return officeKindOf(in) == kindXLSX }

// Extract implements Extractor.
func (e xlsxExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	return safely(ctx, e.log, "XLSX", in, func() (Result, error) { return e.extract(ctx, in, lim) })
}

// extract reads the input; Extract adds the boundary (see safely).
func (e xlsxExtractor) extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	z, err := openZip(in, "XLSX", lim)
	if err != nil {
		return Result{}, err
	}
	main, err := z.mainPart(ctx, "xl/workbook.xml")
	if err != nil {
		return Result{}, err
	}
	rels, err := z.rels(ctx, main)
	if err != nil {
		return Result{}, err
	}
	byID := map[string]string{}
	var shared []string
	var styles xlsxStyles
	for _, r := range rels {
		switch r.Type {
		case "styles":
			if styles, err = readXLSXStyles(ctx, z, r.Target); err != nil {
				return Result{}, err
			}
		case "worksheet":
			byID[r.ID] = r.Target
		case "sharedStrings":
			if shared, err = xlsxSharedStrings(ctx, z, r.Target, 2*lim.MaxTextBytes); err != nil {
				return Result{}, err
			}
		}
	}
	sheets, date1904, err := xlsxSheets(ctx, z, main)
	styles.date1904 = date1904
	if err != nil {
		return Result{}, err
	}
	out := newTextBuf(lim)
	for _, s := range sheets {
		target, ok := byID[s.id]
		if !ok || !z.has(target) || out.Full() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		out.Para()
		out.WriteString(s.name)
		out.WriteString("\n")
		if err := z.walkMember(ctx, target, func(w *xmlWalker) error {
			w.raw = true
			return xlsxSheetText(w, shared, styles, out)
		}); err != nil {
			return Result{}, err
		}
		out.Para()
	}
	return out.result(lim, 0), nil
}

type xlsxSheet struct{ name, id string }

// xlsxSheets lists the workbook's sheets in order and tells whether its
// dates count from 1904 (old Mac workbooks).
func xlsxSheets(ctx context.Context, z *zipDoc, main string) ([]xlsxSheet, bool, error) {
	var out []xlsxSheet
	date1904 := false
	err := z.walkMember(ctx, main, func(w *xmlWalker) error {
		for {
			tok, err := w.next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			se, ok := tok.(xml.StartElement)
			switch {
			case !ok:
			case se.Name.Local == "sheet":
				out = append(out, xlsxSheet{name: attr(se, "name"), id: relAttrID(se)})
			case se.Name.Local == "workbookPr":
				d := attr(se, "date1904")
				date1904 = d == "1" || d == "true"
			}
		}
	})
	return out, date1904, err
}

// xlsxSharedStrings reads the shared-string table. Strings past maxText
// bytes in total, or past maxSharedStrings entries, are kept empty: the
// text they would add is beyond the text cap anyway.
func xlsxSharedStrings(ctx context.Context, z *zipDoc, name string, maxText int) ([]string, error) {
	var out []string
	total := 0
	err := z.walkMember(ctx, name, func(w *xmlWalker) error {
		w.raw = true
		var b strings.Builder
		inSI, inT, skip := false, false, 0
		for {
			tok, err := w.next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			switch t := tok.(type) {
			case xml.StartElement:
				switch {
				case t.Name.Local == "si":
					inSI = true
					b.Reset()
				case t.Name.Local == "rPh" || t.Name.Local == "phoneticPr":
					skip++ // phonetic guides repeat the text in kana
				case t.Name.Local == "t" && inSI && skip == 0:
					inT = true
				}
			case xml.EndElement:
				switch t.Name.Local {
				case "si":
					inSI = false
					if len(out) >= maxSharedStrings {
						return nil
					}
					s := ""
					if total+b.Len() <= maxText {
						s = b.String()
						total += len(s)
					}
					out = append(out, s)
				case "rPh", "phoneticPr":
					skip--
				case "t":
					inT = false
				}
			case xml.CharData:
				if inT && total+b.Len() <= maxText {
					b.Write(t)
				}
			}
		}
	})
	if errors.Is(err, errNoMember) {
		return nil, nil
	}
	return out, err
}

// xlsxSheetText writes a worksheet's cell values, one row per line.
func xlsxSheetText(w *xmlWalker, shared []string, styles xlsxStyles, out *textBuf) error {
	var typ, style string
	var val strings.Builder
	inCell, inValue := false, false
	for !out.Full() {
		tok, err := w.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				inCell, typ, style = true, attr(t, "t"), attr(t, "s")
				val.Reset()
			case "v", "t": // a value, or an inline string's text
				inValue = inCell
			case "f", "rPh", "extLst":
				if err := w.skip(); err != nil {
					return err
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v", "t":
				inValue = false
			case "c":
				inCell = false
				if s := xlsxCellText(typ, style, val.String(), shared, styles); s != "" {
					out.WriteString(s)
					out.Sep('\t')
				}
			case "row":
				out.Line()
			}
		case xml.CharData:
			if inValue && val.Len() < 1<<20 {
				val.Write(t)
			}
		}
	}
	return nil
}

// xlsxCellText turns a stored cell value into text by the cell's type.
func xlsxCellText(typ, style, v string, shared []string, styles xlsxStyles) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(shared) {
			return ""
		}
		return shared[i]
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE"
		}
		return "FALSE"
	case "", "n":
		return styles.format(style, v)
	}
	return v // inline and formula strings, errors ("#DIV/0!")
}
