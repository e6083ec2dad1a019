package extract

import (
	"encoding/xml"
	"io"
)

// xmlRole says what an element means for the text (a bit set).
type xmlRole uint16

const (
	roleText  xmlRole = 1 << iota // character data inside is text
	roleSkip                      // ignore the element and all inside it
	roleLine                      // ends a line (a space inside a table cell)
	roleCell                      // ends a table cell
	roleRow                       // ends a table row
	roleTab                       // a tab stop
	roleBreak                     // a line break
	roleSpace                     // ODF text:s, a run of spaces
	rolePage                      // a slide or page: counted, ends with a blank line
	roleSheet                     // a spreadsheet table: its table:name starts a line
)

// xmlRules maps an element name to its role (0 for structure without meaning).
type xmlRules func(xml.Name) xmlRole

// walkText writes the text of a document-like XML part (WordprocessingML,
// DrawingML, ODF) into out following rules, and returns the pages seen.
// It stops early, without error, once out is full.
func walkText(w *xmlWalker, rules xmlRules, out *textBuf) (pages int, err error) {
	w.raw, w.elementNS = true, true
	var stack []xmlRole
	textDepth, cellDepth := 0, 0
	for !out.Full() {
		tok, err := w.next()
		if err == io.EOF {
			return pages, nil
		}
		if err != nil {
			return pages, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			r := rules(xml.Name{Space: w.lastNS, Local: t.Name.Local})
			if r&roleSkip != 0 {
				if err := w.skip(); err != nil {
					return pages, err
				}
				continue
			}
			if r&roleText != 0 {
				textDepth++
			}
			if r&roleCell != 0 {
				cellDepth++
			}
			if r&roleTab != 0 {
				out.Sep('\t')
			}
			if r&roleBreak != 0 {
				out.WriteString("\n")
			}
			if r&roleSpace != 0 {
				out.WriteString(" ") // text:c repeats it; one is enough once normalised
			}
			if r&rolePage != 0 {
				pages++
			}
			if r&roleSheet != 0 {
				out.Para()
				out.WriteString(attr(t, "name"))
				out.WriteString("\n")
			}
			stack = append(stack, r)
		case xml.EndElement:
			if len(stack) == 0 {
				continue
			}
			r := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if r&roleText != 0 {
				textDepth--
			}
			if r&roleLine != 0 {
				if cellDepth > 0 {
					out.Sep(' ')
				} else {
					out.WriteString("\n")
				}
			}
			if r&roleCell != 0 {
				cellDepth--
				out.Sep('\t')
			}
			if r&(roleRow|rolePage|roleSheet) != 0 {
				out.Line()
			}
			if r&(rolePage|roleSheet) != 0 {
				out.Para()
			}
		case xml.CharData:
			if textDepth > 0 {
				out.WriteString(string(t))
			}
		}
	}
	return pages, nil
}
