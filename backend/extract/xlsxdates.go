package extract

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// xlsxDateKind says how a cell style shows a number.
type xlsxDateKind uint8

const (
	xlsxNumber   xlsxDateKind = iota
	xlsxDate                  // a calendar date
	xlsxDateTime              // a date with a time of day
	xlsxTime                  // a time of day or a duration
)

// xlsxStyles maps a cell's style index (the s attribute) to how its
// number is shown, so that dates read as dates ("2024-03-01"), not as
// serial numbers.
type xlsxStyles struct {
	kinds    []xlsxDateKind
	date1904 bool
}

// readXLSXStyles reads the cell formats of styles.xml; a missing or
// unreadable style part only loses date formatting.
func readXLSXStyles(ctx context.Context, z *zipDoc, name string) (xlsxStyles, error) {
	var st xlsxStyles
	custom := map[string]string{}
	err := z.walkMember(ctx, name, func(w *xmlWalker) error {
		w.raw = true
		inXfs := false
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
				switch t.Name.Local {
				case "numFmt":
					custom[attr(t, "numFmtId")] = attr(t, "formatCode")
				case "cellXfs":
					inXfs = true
				case "xf":
					if inXfs && len(st.kinds) < 1<<16 {
						id := attr(t, "numFmtId")
						st.kinds = append(st.kinds, xlsxFormatKind(id, custom[id]))
					}
				}
			case xml.EndElement:
				if t.Name.Local == "cellXfs" {
					inXfs = false
				}
			}
		}
	})
	if errors.Is(err, errNoMember) {
		err = nil
	}
	return st, err
}

// xlsxFormatKind classifies a number format: Excel's built-in date and
// time formats by id, custom ones by their code's date and time letters
// outside quoted text and [brackets].
func xlsxFormatKind(id, code string) xlsxDateKind {
	if n, err := strconv.Atoi(id); err == nil && code == "" {
		switch {
		case n >= 14 && n <= 17, n >= 27 && n <= 31, n >= 34 && n <= 36, n >= 50 && n <= 58:
			return xlsxDate
		case n == 22:
			return xlsxDateTime
		case n >= 18 && n <= 21, n >= 32 && n <= 33, n >= 45 && n <= 47:
			return xlsxTime
		}
		return xlsxNumber
	}
	var hasDate, hasTime bool
	quoted, bracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal or padding
		case c == '[':
			bracket = true
		case c == ']':
			bracket = false
		case bracket:
		case c == ';':
			i = len(code) // only the first section matters
		default:
			switch c | 0x20 {
			case 'y', 'd':
				hasDate = true
			case 'h', 's':
				hasTime = true
			}
		}
	}
	switch {
	case hasDate && hasTime:
		return xlsxDateTime
	case hasDate:
		return xlsxDate
	case hasTime:
		return xlsxTime
	}
	return xlsxNumber
}

// format shows a stored number by its style; other values are unchanged.
func (st xlsxStyles) format(style, v string) string {
	i, err := strconv.Atoi(style)
	if err != nil || i < 0 || i >= len(st.kinds) || st.kinds[i] == xlsxNumber {
		return v
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 || f > 2_958_465 || math.IsNaN(f) { // past 9999-12-31
		return v
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if st.date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	t := base.Add(time.Duration(math.Round(f*86400)) * time.Second)
	switch st.kinds[i] {
	case xlsxDate:
		return t.Format("2006-01-02")
	case xlsxDateTime:
		return t.Format("2006-01-02 15:04")
	}
	if f >= 1 {
		return v // a duration of days: the number says more than a clock time
	}
	return t.Format("15:04:05")
}
