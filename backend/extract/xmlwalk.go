package extract

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// XML bounds. encoding/xml never expands custom entities (an undeclared
// entity is an error in strict mode), so a "billion laughs" DTD cannot
// inflate; these bound the remaining costs: nesting and token count.
const (
	maxXMLDepth  = 1_000
	maxXMLTokens = 50_000_000
)

// xmlWalker reads XML tokens with limits: depth, token count, no entity
// declarations, and a context check every few thousand tokens.
type xmlWalker struct {
	d      *xml.Decoder
	ctx    context.Context
	format string
	depth  int
	tokens int
	// raw skips namespace resolution (RawToken): faster, for parts read
	// by local names only. Names then keep their prefix in Space.
	raw bool
	// elementNS, with raw, resolves the prefix of each start and end
	// element into lastNS (tokens keep their prefix: rewriting them would
	// allocate): most of Token's cost is avoided, and element names can
	// still be matched by namespace.
	elementNS bool
	lastNS    string
	ns        []nsBinding
}

// nsBinding is one xmlns declaration in scope.
type nsBinding struct {
	prefix, uri string
	depth       int // the depth of the element that declared it
}

func newXMLWalker(ctx context.Context, r io.Reader, format string) *xmlWalker {
	d := xml.NewDecoder(&markupRunLimit{r: r, format: format})
	d.Strict = true
	d.CharsetReader = charsetReader
	return &xmlWalker{d: d, ctx: ctx, format: format}
}

// charsetReader decodes the rare XML part declared in another charset.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	return charset.NewReaderLabel(label, r)
}

// next returns the next token; io.EOF at the end.
func (w *xmlWalker) next() (xml.Token, error) {
	w.tokens++
	if w.tokens&4095 == 0 {
		if err := w.ctx.Err(); err != nil {
			return nil, err
		}
		if w.tokens > maxXMLTokens {
			return nil, Permanent("the %s file has more than %d million XML elements; text not extracted", w.format, maxXMLTokens/1_000_000)
		}
	}
	var tok xml.Token
	var err error
	if w.raw {
		tok, err = w.d.RawToken()
	} else {
		tok, err = w.d.Token()
	}
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case xml.StartElement:
		w.depth++
		if w.depth > maxXMLDepth {
			return nil, Permanent("the %s file is nested more than %d levels deep; text not extracted", w.format, maxXMLDepth)
		}
		if w.raw && w.elementNS {
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns":
					w.ns = append(w.ns, nsBinding{a.Name.Local, a.Value, w.depth})
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					w.ns = append(w.ns, nsBinding{"", a.Value, w.depth})
				}
			}
			w.lastNS = w.resolve(t.Name.Space)
		}
	case xml.EndElement:
		if w.raw && w.elementNS {
			w.lastNS = w.resolve(t.Name.Space)
			for len(w.ns) > 0 && w.ns[len(w.ns)-1].depth >= w.depth {
				w.ns = w.ns[:len(w.ns)-1]
			}
		}
		w.depth--
	case xml.Directive:
		if bytes.Contains(t, []byte("ENTITY")) {
			return nil, Permanent("the %s file declares XML entities, which documents never need (a known attack); text not extracted", w.format)
		}
	}
	return tok, nil
}

// resolve returns the namespace bound to a prefix (the prefix itself
// when it is unbound, as Token does).
func (w *xmlWalker) resolve(prefix string) string {
	for i := len(w.ns) - 1; i >= 0; i-- {
		if w.ns[i].prefix == prefix {
			return w.ns[i].uri
		}
	}
	return prefix
}

// skip consumes the rest of the element whose start was just read.
func (w *xmlWalker) skip() error {
	for depth := 1; depth > 0; {
		tok, err := w.next()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// attr returns the value of the attribute with the given local name.
func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// textOf collects the character data of the element whose start was
// just read, up to max bytes (the rest is dropped).
func (w *xmlWalker) textOf(max int) (string, error) {
	var b strings.Builder
	for depth := 1; depth > 0; {
		tok, err := w.next()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if b.Len()+len(t) <= max {
				b.Write(t)
			}
		}
	}
	return b.String(), nil
}

// maxMarkupRun bounds how many bytes may pass without a '<': the XML
// decoder holds a whole text node in memory (and grows it by doubling), so
// one 256 MiB run of text — a zip bomb dressed as a document — would cost
// half a gigabyte or more. Real documents put a tag every few kilobytes.
const maxMarkupRun = 16 << 20

// markupRunLimit fails a read once more than maxMarkupRun bytes in a row
// hold no '<'.
type markupRunLimit struct {
	r      io.Reader
	format string
	run    int
}

func (m *markupRunLimit) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	chunk := p[:n]
	if first := bytes.IndexByte(chunk, '<'); first < 0 {
		m.run += n
	} else {
		// The run before the chunk's first '<', then the one after its
		// last (reads are far smaller than the limit, so no run in the
		// middle of a chunk can exceed it).
		if m.run+first > maxMarkupRun {
			m.run += first
		} else {
			m.run = n - bytes.LastIndexByte(chunk, '<') - 1
		}
	}
	if m.run > maxMarkupRun {
		return 0, Permanent("the %s file holds more than %d MiB of text without any markup, which no real document does; text not extracted", m.format, maxMarkupRun>>20)
	}
	return n, err
}
