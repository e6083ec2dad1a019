package extract

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// maxHTMLToken bounds one HTML token (a text run or a tag with its
// attributes) held in memory by the tokenizer.
const maxHTMLToken = 16 << 20

// htmlExtractor reads HTML with golang.org/x/net/html's tokenizer: the
// title, then the visible text; scripts, styles, noscript and templates
// are dropped; block elements end lines and table cells are separated.
type htmlExtractor struct{ log *slog.Logger }

// Name implements Extractor.
func (htmlExtractor) Name() string { return "html" }

// Accepts implements Extractor.
func (htmlExtractor) Accepts(in Input) bool {
	switch in.MediaType() {
	case "text/html", "application/xhtml+xml":
		return true
	}
	return false
}

// Extract implements Extractor.
func (e htmlExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	return safely(ctx, e.log, "HTML", in, func() (Result, error) { return e.extract(ctx, in, lim) })
}

// extract reads the input; Extract adds the boundary (see safely).
func (e htmlExtractor) extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	size := int(min(in.Size, 64<<10))
	br := bufio.NewReaderSize(source(in), size)
	head, err := br.Peek(size)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return Result{}, err
	}
	// The content type's charset is mimetype's guess from the first
	// bytes, not a server's word: the document's own signals decide.
	enc := htmlEncoding(head)
	out := newTextBuf(lim)
	if err := htmlText(ctx, transform.NewReader(br, enc.NewDecoder()), out); err != nil {
		return Result{}, err
	}
	return out.result(lim, 0), nil
}

// htmlEncoding picks the charset of an HTML document from its first
// bytes: a byte-order mark is certain; otherwise valid UTF-8 wins over a
// <meta> declaration (which is often wrong), and the <meta> declaration
// or windows-1252 is the last resort.
func htmlEncoding(head []byte) encoding.Encoding {
	enc, _, certain := charset.DetermineEncoding(head, "")
	if certain {
		return enc
	}
	if utf8.Valid(trimPartialRune(head)) {
		return encoding.Nop
	}
	return enc
}

// trimPartialRune drops an incomplete UTF-8 sequence cut at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// htmlText writes the visible text of an HTML stream (UTF-8) into out.
func htmlText(ctx context.Context, r io.Reader, out *textBuf) error {
	z := html.NewTokenizer(r)
	z.SetMaxBuf(maxHTMLToken)
	hidden, pre := 0, 0
	for i := 0; !out.Full(); i++ {
		if err := checkCtx(ctx, i); err != nil {
			return err
		}
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			err := z.Err()
			if err == io.EOF {
				return nil
			}
			if errors.Is(err, html.ErrBufferExceeded) {
				out.full = true // the rest is unreadable: keep what we have, say it was cut
				return nil
			}
			return err
		case html.TextToken:
			if hidden > 0 {
				continue
			}
			text := string(z.Text())
			if pre == 0 {
				text = strings.ReplaceAll(text, "\n", " ")
			}
			out.WriteString(text)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			start := tt != html.EndTagToken
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe, atom.Noembed:
				// The tokenizer reads a raw-text element's content as text
				// up to its end tag even when the start tag is "<script/>".
				switch {
				case tt == html.StartTagToken, tt == html.SelfClosingTagToken && a != atom.Template:
					hidden++
				case tt == html.EndTagToken && hidden > 0:
					hidden--
				}
			case atom.Pre, atom.Textarea:
				switch {
				case tt == html.StartTagToken:
					pre++
				case tt == html.EndTagToken && pre > 0:
					pre--
				}
				out.Line()
			case atom.Br:
				out.WriteString("\n")
			case atom.Td, atom.Th:
				out.Sep('\t')
			case atom.Title:
				if !start {
					out.WriteString("\n")
				}
			default:
				if htmlBlock(a) {
					out.Line()
				}
			}
		}
	}
	return nil
}

// htmlBlock reports whether an element starts and ends a line.
func htmlBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body,
		atom.Caption, atom.Dd, atom.Details, atom.Dialog, atom.Div, atom.Dl,
		atom.Dt, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer,
		atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Header, atom.Hr, atom.Li, atom.Main, atom.Nav, atom.Ol, atom.P,
		atom.Section, atom.Summary, atom.Table, atom.Tr, atom.Ul, atom.Legend,
		atom.Option, atom.Head, atom.Html, atom.Tbody, atom.Thead, atom.Tfoot:
		return true
	}
	return false
}
