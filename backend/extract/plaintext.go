package extract

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"
)

// textExtractor reads plain text, Markdown, CSV/TSV, JSON and XML after
// detecting the charset (see detectEncoding). CSV cells, JSON values and
// XML character data are taken out of their syntax; when they do not
// parse, the decoded text is kept as it is. It is the last extractor:
// it accepts any text/* type the others left.
type textExtractor struct{ log *slog.Logger }

// Name implements Extractor.
func (textExtractor) Name() string { return "text" }

// Accepts implements Extractor.
func (textExtractor) Accepts(in Input) bool {
	mt := in.MediaType()
	switch {
	case mt == "text/html" || mt == "text/rtf":
		return false
	case strings.HasPrefix(mt, "text/"):
		return true
	case strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml") && mt != "application/xhtml+xml":
		return true
	}
	switch mt {
	case "application/json", "application/x-ndjson", "application/xml",
		"application/javascript", "application/x-yaml", "application/yaml",
		"application/toml", "application/x-subrip", "application/x-tex":
		return true
	case "application/octet-stream":
		// mimetype calls UTF-16 without a byte-order mark binary.
		return utf16Input(in)
	}
	return false
}

// utf16Input reports whether the input starts like UTF-16 text without a
// byte-order mark.
func utf16Input(in Input) bool {
	if in.R == nil || in.Size < 16 {
		return false
	}
	head := make([]byte, min(in.Size, 4096))
	n, _ := in.R.ReadAt(head, 0)
	return utf16WithoutBOM(head[:n&^1]) != nil
}

// textKind is how a text file's syntax is read.
type textKind uint8

const (
	textPlain textKind = iota
	textCSV
	textJSON
	textXML
)

func textKindOf(in Input) textKind {
	mt := in.MediaType()
	ext := strings.ToLower(path.Ext(in.Name))
	switch {
	case mt == "text/csv" || mt == "text/tab-separated-values" || ext == ".csv" || ext == ".tsv":
		return textCSV
	case mt == "application/json" || strings.HasSuffix(mt, "+json") || (mt == "text/plain" && ext == ".json"):
		return textJSON
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return textXML
	}
	return textPlain
}

// Extract implements Extractor.
func (e textExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	return safely(ctx, e.log, "text", in, func() (Result, error) { return e.extract(ctx, in, lim) })
}

// extract reads the input; Extract adds the boundary (see safely).
func (e textExtractor) extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	// Read what can become at most MaxTextBytes of text: UTF-16 and
	// UTF-32 take up to four bytes per character, syntax more.
	max := 4 * int64(lim.MaxTextBytes)
	raw, err := io.ReadAll(io.LimitReader(source(in), max+1))
	if err != nil {
		return Result{}, err
	}
	cut := int64(len(raw)) > max
	if cut {
		raw = raw[:max]
	}
	out := newTextBuf(lim)
	kind := textKindOf(in)
	if kind == textXML && !cut {
		// The XML parser reads the bytes itself: it knows the declared encoding.
		if xmlCharData(ctx, raw, out) == nil {
			return out.result(lim, 0), nil
		}
		out = newTextBuf(lim)
	}
	text := decodeText(raw)
	var perr error
	switch kind {
	case textCSV:
		perr = csvText(ctx, text, out)
	case textJSON:
		if !cut {
			perr = jsonText(ctx, text, out)
		} else {
			perr = errors.New("cut")
		}
	default:
		perr = errors.New("plain")
	}
	if perr != nil {
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		out = newTextBuf(lim)
		out.WriteString(text)
	}
	res := out.result(lim, 0)
	if cut && res.Note == "" {
		res.Note = fmt.Sprintf("the file is larger than %s; only its beginning was read", sizeText(max))
	}
	return res, nil
}

// csvText writes CSV or TSV rows as lines of separated cells. The
// delimiter is guessed from the first line (comma, semicolon or tab).
func csvText(ctx context.Context, text string, out *textBuf) error {
	first, _, _ := strings.Cut(text, "\n")
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = ','
	best := strings.Count(first, ",")
	for _, c := range []rune{';', '\t'} {
		if n := strings.Count(first, string(c)); n > best {
			r.Comma, best = c, n
		}
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	for i := 0; !out.Full(); i++ {
		if err := checkCtx(ctx, i); err != nil {
			return err
		}
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		for _, f := range rec {
			out.WriteString(f)
			out.Sep('\t')
		}
		out.WriteString("\n")
	}
	return nil
}

// jsonText writes a JSON document's values, one per line, each after
// the key it belongs to ("name: Müller"); several documents in a row
// (JSON lines) are read one after the other.
func jsonText(ctx context.Context, text string, out *textBuf) error {
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var key string
	inObject := []bool{false}
	expectKey := false
	for i := 0; !out.Full(); i++ {
		if err := checkCtx(ctx, i); err != nil {
			return err
		}
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				inObject = append(inObject, true)
				expectKey = true
			case '[':
				inObject = append(inObject, false)
				expectKey = false
			default:
				if len(inObject) > 1 {
					inObject = inObject[:len(inObject)-1]
				}
				expectKey = inObject[len(inObject)-1]
			}
			key = ""
			continue
		case string:
			if expectKey {
				key, expectKey = t, false
				continue
			}
			jsonValue(out, key, t)
		case json.Number:
			jsonValue(out, key, t.String())
		case bool:
			jsonValue(out, key, fmt.Sprint(t))
		case nil:
			jsonValue(out, key, "null")
		}
		key = ""
		expectKey = inObject[len(inObject)-1]
	}
	return nil
}

func jsonValue(out *textBuf, key, v string) {
	if key != "" {
		out.WriteString(key)
		out.WriteString(": ")
	}
	out.WriteString(v)
	out.WriteString("\n")
}

// xmlCharData writes the character data of an XML document, each
// element's text on its own line. Any error (not well-formed, an entity
// declaration) makes the caller keep the raw text instead.
func xmlCharData(ctx context.Context, raw []byte, out *textBuf) error {
	w := newXMLWalker(ctx, bytes.NewReader(raw), "XML")
	w.raw = true
	for !out.Full() {
		tok, err := w.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			out.WriteString(string(t))
		case xml.EndElement, xml.StartElement:
			out.Line()
		}
	}
	return nil
}
