package extract

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"path"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// RTF bounds: group nesting kept on the state stack (deeper groups share
// their parent's state, so hostile nesting costs nothing), and fonts.
const (
	rtfMaxStack = 1024
	rtfMaxFonts = 4096
)

// rtfExtractor reads Rich Text Format with a small parser of its own:
// control words, groups, ignorable (\*) and non-text destinations (font
// and colour tables, style sheets, pictures, field instructions…) skipped,
// \uN Unicode escapes with their fallbacks, \'hh bytes decoded with the
// document's or the font's code page.
type rtfExtractor struct{ log *slog.Logger }

// Name implements Extractor.
func (rtfExtractor) Name() string { return "rtf" }

// Accepts implements Extractor.
func (rtfExtractor) Accepts(in Input) bool {
	switch in.MediaType() {
	case "text/rtf", "application/rtf", "application/x-rtf", "text/richtext":
		return true
	case "application/octet-stream":
		return strings.EqualFold(path.Ext(in.Name), ".rtf")
	}
	return false
}

// Extract implements Extractor.
func (e rtfExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	return safely(ctx, e.log, "RTF", in, func() (Result, error) { return e.extract(ctx, in, lim) })
}

// extract reads the input; Extract adds the boundary (see safely).
func (e rtfExtractor) extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	out := newTextBuf(lim)
	if err := parseRTF(ctx, bufio.NewReaderSize(source(in), int(min(in.Size, 64<<10))+64), out); err != nil {
		return Result{}, err
	}
	return out.result(lim, 0), nil
}

// rtfState is what a group scopes.
type rtfState struct {
	skip   bool // inside a destination whose text is not document text
	hidden bool // \v hidden text
	uc     int  // fallback characters that follow a \uN
	font   int  // current \fN, -1 for none
	fonts  bool // inside the font table: \fN \fcharsetN are declarations
}

type rtfParser struct {
	ctx      context.Context
	r        *bufio.Reader
	out      *textBuf
	st       rtfState
	stack    []rtfState
	overflow int    // groups opened beyond rtfMaxStack
	pending  []byte // code-page bytes not yet decoded
	skipN    int    // fallback characters still to drop after \uN
	high     rune   // a high surrogate waiting for its pair
	docCP    encoding.Encoding
	fontCP   map[int]encoding.Encoding
	nread    int
}

// parseRTF writes the text of an RTF stream into out.
func parseRTF(ctx context.Context, r *bufio.Reader, out *textBuf) error {
	head, err := r.Peek(64)
	if err != nil && err != io.EOF {
		return err
	}
	if !bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf"), []byte(`{\rtf`)) {
		return Permanent("the file is not valid RTF (it does not start with {\\rtf); text not extracted")
	}
	p := &rtfParser{ctx: ctx, r: r, out: out, st: rtfState{uc: 1, font: -1},
		docCP: charmap.Windows1252, fontCP: map[int]encoding.Encoding{}}
	return p.run()
}

func (p *rtfParser) run() error {
	for !p.out.Full() {
		c, err := p.r.ReadByte()
		if err == io.EOF {
			p.flush()
			return nil
		}
		if err != nil {
			return err
		}
		if p.nread++; p.nread&0xffff == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		switch c {
		case '{':
			p.flush()
			if len(p.stack) >= rtfMaxStack {
				p.overflow++
			} else {
				p.stack = append(p.stack, p.st)
			}
		case '}':
			p.flush()
			p.skipN = 0
			switch {
			case p.overflow > 0:
				p.overflow--
			case len(p.stack) > 0:
				p.st = p.stack[len(p.stack)-1]
				p.stack = p.stack[:len(p.stack)-1]
			}
		case '\\':
			if err := p.control(); err != nil {
				return err
			}
		case '\r', '\n':
		default:
			p.char(c)
		}
	}
	return nil
}

// char takes one literal byte of text in the current code page.
func (p *rtfParser) char(c byte) {
	if p.skipN > 0 {
		p.skipN--
		return
	}
	if p.st.skip || p.st.hidden {
		return
	}
	p.pending = append(p.pending, c)
	if len(p.pending) >= 4096 {
		p.flush()
	}
}

// text writes already-decoded text.
func (p *rtfParser) text(s string) {
	if p.st.skip || p.st.hidden {
		return
	}
	p.flush()
	p.out.WriteString(s)
}

// flush decodes pending code-page bytes with the current font's code page.
func (p *rtfParser) flush() {
	if len(p.pending) == 0 {
		return
	}
	enc := p.docCP
	if e, ok := p.fontCP[p.st.font]; ok {
		enc = e
	}
	b, err := enc.NewDecoder().Bytes(p.pending)
	if err != nil {
		b = bytes.ToValidUTF8(p.pending, []byte("\uFFFD"))
	}
	p.out.WriteString(string(b))
	p.pending = p.pending[:0]
}

// control reads what follows a backslash: a control symbol or a control
// word with its optional numeric parameter and delimiting space.
func (p *rtfParser) control() error {
	c, err := p.r.ReadByte()
	if err != nil {
		return nil // a lone backslash at the end: nothing more to read
	}
	if !isASCIILetter(c) {
		return p.symbol(c)
	}
	var word [32]byte
	n := 0
	for isASCIILetter(c) {
		if n < len(word) {
			word[n] = c
			n++
		}
		if c, err = p.r.ReadByte(); err != nil {
			break
		}
	}
	param, hasParam, neg := 0, false, false
	if err == nil && c == '-' {
		neg = true
		if c, err = p.r.ReadByte(); err != nil {
			neg = false
		}
	}
	for err == nil && c >= '0' && c <= '9' {
		hasParam = true
		if param < 1<<24 {
			param = param*10 + int(c-'0')
		}
		c, err = p.r.ReadByte()
	}
	if neg {
		param = -param
	}
	if err == nil && c != ' ' {
		_ = p.r.UnreadByte()
	}
	return p.word(string(word[:n]), param, hasParam)
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// symbol handles a control symbol (\' \\ \{ \} \~ \- \_ \* …).
func (p *rtfParser) symbol(c byte) error {
	switch c {
	case '\'':
		var hex [2]byte
		for i := range hex {
			b, err := p.r.ReadByte()
			if err != nil {
				return nil
			}
			hex[i] = b
		}
		v, ok := unhex(hex[0], hex[1])
		if ok {
			p.char(v)
		}
	case '\\', '{', '}':
		p.char(c)
	case '~':
		p.skipOr(func() { p.text(" ") })
	case '_':
		p.skipOr(func() { p.text("-") })
	case '*':
		p.st.skip = true
	case '\n', '\r':
		p.text("\n")
	}
	return nil
}

// skipOr drops one fallback character after \uN, else runs f.
func (p *rtfParser) skipOr(f func()) {
	if p.skipN > 0 {
		p.skipN--
		return
	}
	f()
}

func unhex(a, b byte) (byte, bool) {
	h, ok1 := hexVal(a)
	l, ok2 := hexVal(b)
	return h<<4 | l, ok1 && ok2
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return c | 0x20 - 'a' + 10, true
	}
	return 0, false
}

// word handles a control word.
func (p *rtfParser) word(w string, param int, hasParam bool) error {
	if rtfSkippedDestination(w) {
		p.flush()
		p.st.skip = true
		if w == "fonttbl" {
			p.st.fonts = true
		}
		return nil
	}
	switch w {
	case "u":
		p.unicode(param)
		p.skipN = p.st.uc
		return nil
	case "uc":
		p.st.uc = min(max(param, 0), 10)
		return nil
	case "bin":
		p.flush()
		if param > 0 {
			_, err := p.r.Discard(param)
			if err == io.EOF {
				return nil
			}
			return err
		}
		return nil
	}
	if p.skipN > 0 {
		p.skipN--
		return nil
	}
	switch w {
	case "par", "line", "sect", "page", "row":
		p.text("\n")
	case "cell", "nestcell":
		p.flush()
		if !p.st.skip && !p.st.hidden {
			p.out.Sep('\t')
		}
	case "tab":
		p.text("\t")
	case "emdash":
		p.text("—")
	case "endash":
		p.text("–")
	case "bullet":
		p.text("•")
	case "lquote":
		p.text("‘")
	case "rquote":
		p.text("’")
	case "ldblquote":
		p.text("“")
	case "rdblquote":
		p.text("”")
	case "emspace", "enspace", "qmspace":
		p.text(" ")
	case "v":
		p.flush()
		p.st.hidden = !hasParam || param != 0
	case "plain":
		p.flush()
		p.st.hidden = false
	case "ansicpg":
		if e := rtfCodePage(param); e != nil {
			p.flush()
			p.docCP = e
		}
	case "mac":
		p.docCP = charmap.Macintosh
	case "pc":
		p.docCP = charmap.CodePage437
	case "pca":
		p.docCP = charmap.CodePage850
	case "f":
		p.flush()
		p.st.font = param
	case "fcharset":
		if p.st.fonts && p.st.font >= 0 && len(p.fontCP) < rtfMaxFonts {
			if e := rtfCodePage(rtfCharsetCodePage(param)); e != nil {
				p.fontCP[p.st.font] = e
			}
		}
	case "cpg":
		if p.st.fonts && p.st.font >= 0 && len(p.fontCP) < rtfMaxFonts {
			if e := rtfCodePage(param); e != nil {
				p.fontCP[p.st.font] = e
			}
		}
	}
	return nil
}

// unicode writes a \uN character (N is a signed 16-bit value; UTF-16
// surrogate pairs come as two \u words).
func (p *rtfParser) unicode(n int) {
	if n < 0 {
		n += 65536
	}
	r := rune(n & 0xffff)
	switch {
	case utf16.IsSurrogate(r) && r < 0xdc00:
		p.high = r
		return
	case utf16.IsSurrogate(r):
		if p.high != 0 {
			r = utf16.DecodeRune(p.high, r)
		} else {
			r = '\uFFFD'
		}
	case r >= 0xf020 && r <= 0xf0ff:
		r = 0 // Symbol-font private-use glyphs (list bullets): not text
	}
	p.high = 0
	if r != 0 {
		p.text(string(r))
	}
}
