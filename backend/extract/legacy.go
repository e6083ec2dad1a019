package extract

import (
	"context"
	"encoding/binary"
	"log/slog"
	"path"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding/charmap"
)

// oleExtractor reads Microsoft compound files (OLE2 storage), which
// mimetype reports as application/x-ole-storage: legacy Word (.doc, Word
// 97–2003) text is read best effort from its piece table; password-
// protected Office files (which are OLE storage even for DOCX/XLSX) get a
// note; legacy Excel and PowerPoint, Outlook .msg and Word 95 or older get
// a sentence saying what to do.
type oleExtractor struct{ log *slog.Logger }

// Name implements Extractor.
func (oleExtractor) Name() string { return "ole" }

// Accepts implements Extractor.
func (oleExtractor) Accepts(in Input) bool {
	switch in.MediaType() {
	case "application/x-ole-storage", "application/msword", "application/vnd.ms-excel",
		"application/vnd.ms-powerpoint", "application/vnd.ms-outlook", "application/x-tika-msoffice":
		return true
	case "application/octet-stream":
		switch strings.ToLower(path.Ext(in.Name)) {
		case ".doc", ".dot", ".xls", ".ppt", ".msg":
			return true
		}
	}
	return false
}

// unsupportedError is a sentence that is both ErrPermanent and ErrUnsupported.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string { return e.msg }
func (e *unsupportedError) Is(target error) bool {
	return target == ErrPermanent || target == ErrUnsupported
}

// Extract implements Extractor.
func (e oleExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	return safely(ctx, e.log, "Office", in, func() (Result, error) { return e.extract(ctx, in, lim) })
}

// extract reads the input; Extract adds the boundary (see safely).
func (e oleExtractor) extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	doc, err := mscfb.New(source(in))
	if err != nil {
		return Result{}, Permanent("the file is damaged or not a Microsoft Office file (%v); text not extracted", err)
	}
	streams := map[string]*mscfb.File{}
	for i, f := range doc.File {
		if i > maxZipEntries {
			break
		}
		if _, dup := streams[f.Name]; !dup && len(f.Path) == 0 {
			streams[f.Name] = f
		}
	}
	switch {
	case streams["EncryptedPackage"] != nil:
		return Result{Note: "the document is password-protected (encrypted); text not available"}, nil
	case streams["WordDocument"] != nil:
		out := newTextBuf(lim)
		if err := wordText(ctx, streams, out); err != nil {
			return Result{}, err
		}
		return out.result(lim, 0), nil
	case streams["Workbook"] != nil || streams["Book"] != nil:
		return Result{}, &unsupportedError{"legacy Excel files (.xls) are not supported; save it as XLSX to make its text searchable"}
	case streams["PowerPoint Document"] != nil:
		return Result{}, &unsupportedError{"legacy PowerPoint files (.ppt) are not supported; save it as PPTX to make its text searchable"}
	case streams["__properties_version1.0"] != nil:
		return Result{}, &unsupportedError{"Outlook message files (.msg) are not supported; save the message as .eml to make its text searchable"}
	}
	return Result{}, &unsupportedError{"this kind of Microsoft compound file is not supported; text not extracted"}
}

// wordText reads a Word 97–2003 document's main text through its piece
// table ([MS-DOC] 2.8.35 Clx): pieces are either 8-bit (cp1252) or UTF-16.
func wordText(ctx context.Context, streams map[string]*mscfb.File, out *textBuf) error {
	wd := streams["WordDocument"]
	fib := make([]byte, 0x1AA)
	if n, _ := wd.ReadAt(fib, 0); n < len(fib) || binary.LittleEndian.Uint16(fib) != 0xA5EC {
		return Permanent("the Word document is damaged (no valid header); text not extracted")
	}
	flags := binary.LittleEndian.Uint16(fib[0x0A:])
	if flags&0x0100 != 0 {
		return Permanent("the Word document is password-protected (encrypted); text not extracted")
	}
	if nFib := binary.LittleEndian.Uint16(fib[2:]); nFib < 0x00C1 {
		return &unsupportedError{"Word documents from Word 95 or older are not supported; save it as DOCX to make its text searchable"}
	}
	tableName := "0Table"
	if flags&0x0200 != 0 {
		tableName = "1Table"
	}
	table := streams[tableName]
	if table == nil {
		return Permanent("the Word document is damaged (its table stream is missing); text not extracted")
	}
	ccpText := int64(binary.LittleEndian.Uint32(fib[0x4C:]))
	fcClx := int64(binary.LittleEndian.Uint32(fib[0x1A2:]))
	lcbClx := int64(binary.LittleEndian.Uint32(fib[0x1A6:]))
	if lcbClx <= 0 || lcbClx > 64<<20 || fcClx+lcbClx > table.Size {
		return Permanent("the Word document is damaged (bad piece table); text not extracted")
	}
	clx := make([]byte, lcbClx)
	if n, _ := table.ReadAt(clx, fcClx); int64(n) < lcbClx {
		return Permanent("the Word document is damaged (short piece table); text not extracted")
	}
	// Skip property modifiers (Prc, 0x01) to the piece table (Pcdt, 0x02).
	i := 0
	for i < len(clx) && clx[i] == 0x01 && i+3 <= len(clx) {
		i += 3 + int(binary.LittleEndian.Uint16(clx[i+1:]))
	}
	if i+5 > len(clx) || clx[i] != 0x02 {
		return Permanent("the Word document is damaged (no piece table); text not extracted")
	}
	plc := clx[i+5:]
	if lcb := int(binary.LittleEndian.Uint32(clx[i+1:])); lcb >= 0 && lcb < len(plc) {
		plc = plc[:lcb]
	}
	pieces := (len(plc) - 4) / 12
	if pieces <= 0 {
		return nil
	}
	fields := &wordFields{}
	for k := 0; k < pieces && !out.Full(); k++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		cpStart := int64(binary.LittleEndian.Uint32(plc[4*k:]))
		cpEnd := min(int64(binary.LittleEndian.Uint32(plc[4*k+4:])), ccpText)
		if cpStart >= ccpText {
			break
		}
		count := cpEnd - cpStart
		if count <= 0 {
			continue
		}
		count = min(count, int64(out.max)) // more cannot be kept anyway
		fc := int64(binary.LittleEndian.Uint32(plc[4*(pieces+1)+8*k+2:]))
		var runes []rune
		if fc&0x40000000 != 0 {
			b := make([]byte, count)
			n, _ := wd.ReadAt(b, (fc&^0x40000000)/2)
			s, _ := charmap.Windows1252.NewDecoder().Bytes(b[:n])
			runes = []rune(string(s))
		} else {
			b := make([]byte, 2*count)
			n, _ := wd.ReadAt(b, fc)
			u := make([]uint16, n/2)
			for j := range u {
				u[j] = binary.LittleEndian.Uint16(b[2*j:])
			}
			runes = utf16.Decode(u)
		}
		fields.write(runes, out)
	}
	return nil
}

// wordFields turns Word's special characters into text: paragraph and
// cell marks into line and cell breaks, and fields (0x13 code 0x14
// result 0x15) into their result only.
type wordFields struct {
	stack    []bool // per open field: true while in its code part
	lastCell bool   // the last character written was a cell mark
}

func (f *wordFields) write(runes []rune, out *textBuf) {
	var b strings.Builder
	inCode := func() bool {
		for _, c := range f.stack {
			if c {
				return true
			}
		}
		return false
	}
	for _, r := range runes {
		switch r {
		case 0x13:
			if len(f.stack) < 64 {
				f.stack = append(f.stack, true)
			}
			continue
		case 0x14:
			if len(f.stack) > 0 {
				f.stack[len(f.stack)-1] = false
			}
			continue
		case 0x15:
			if len(f.stack) > 0 {
				f.stack = f.stack[:len(f.stack)-1]
			}
			continue
		}
		if inCode() {
			continue
		}
		cell := r == 0x07
		switch {
		case cell && f.lastCell:
			b.WriteByte('\n') // a cell mark right after one ends the row
		case r == 0x0D || r == 0x0B || r == 0x0C:
			b.WriteByte('\n')
		case r == 0x07:
			b.WriteByte('\t')
		case r == 0x1E:
			b.WriteByte('-')
		case r == 0x09:
			b.WriteByte('\t')
		case r < 0x20:
		default:
			b.WriteRune(r)
		}
		f.lastCell = cell
	}
	out.WriteString(b.String())
}
