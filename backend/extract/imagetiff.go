package extract

import (
	"encoding/binary"
	"errors"
	"image"
	"io"
)

// TIFF tags we read.
const (
	tiffImageWidth  = 256
	tiffImageLength = 257
	exifOrientation = 0x0112
)

// tiffReader reads a classic (not Big) TIFF structure from a ReaderAt at
// a base offset (0 for a file, the start of the TIFF header inside a JPEG
// EXIF segment).
type tiffReader struct {
	r     io.ReaderAt
	base  int64
	limit int64 // bytes after base
	bo    binary.ByteOrder
}

var errTIFFHeader = errors.New("not a TIFF header")

// newTIFFReader reads the 8-byte header and returns the first IFD offset.
func newTIFFReader(r io.ReaderAt, base, limit int64) (*tiffReader, uint32, error) {
	var h [8]byte
	if limit < 8 {
		return nil, 0, errTIFFHeader
	}
	if _, err := r.ReadAt(h[:], base); err != nil {
		return nil, 0, errTIFFHeader
	}
	t := &tiffReader{r: r, base: base, limit: limit}
	switch string(h[:2]) {
	case "II":
		t.bo = binary.LittleEndian
	case "MM":
		t.bo = binary.BigEndian
	default:
		return nil, 0, errTIFFHeader
	}
	switch t.bo.Uint16(h[2:]) {
	case 42:
	case 43:
		return nil, 0, errors.New("BigTIFF is not supported")
	default:
		return nil, 0, errTIFFHeader
	}
	return t, t.bo.Uint32(h[4:]), nil
}

// tiffEntry is one 12-byte IFD entry.
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	value    [4]byte // the value itself when it fits, else its offset
}

// uint returns a SHORT or LONG entry's first value.
func (t *tiffReader) uint(e tiffEntry) (uint32, bool) {
	if e.count < 1 {
		return 0, false
	}
	switch e.typ {
	case 3: // SHORT
		return uint32(t.bo.Uint16(e.value[:])), true
	case 4: // LONG
		return t.bo.Uint32(e.value[:]), true
	}
	return 0, false
}

// ifd reads the entries of the IFD at off and the offset of the next.
func (t *tiffReader) ifd(off uint32) ([]tiffEntry, uint32, error) {
	if int64(off)+2 > t.limit || off < 8 {
		return nil, 0, errors.New("IFD offset out of range")
	}
	var nb [2]byte
	if _, err := t.r.ReadAt(nb[:], t.base+int64(off)); err != nil {
		return nil, 0, err
	}
	n := int64(t.bo.Uint16(nb[:]))
	size := n*12 + 4
	if int64(off)+2+size > t.limit {
		return nil, 0, errors.New("IFD runs past the end of the file")
	}
	buf := make([]byte, size)
	if _, err := t.r.ReadAt(buf, t.base+int64(off)+2); err != nil {
		return nil, 0, err
	}
	entries := make([]tiffEntry, n)
	for i := range entries {
		b := buf[i*12:]
		entries[i] = tiffEntry{tag: t.bo.Uint16(b), typ: t.bo.Uint16(b[2:]), count: t.bo.Uint32(b[4:])}
		copy(entries[i].value[:], b[8:12])
	}
	return entries, t.bo.Uint32(buf[n*12:]), nil
}

// tiffPageSizes walks the IFD chain and returns each page's size. It
// stops at maxPages and refuses loops.
func tiffPageSizes(r io.ReaderAt, size int64, maxPages int) ([]image.Point, error) {
	t, off, err := newTIFFReader(r, 0, size)
	if err != nil {
		return nil, err
	}
	seen := map[uint32]bool{}
	var pages []image.Point
	for off != 0 && len(pages) < maxPages {
		if seen[off] {
			return nil, errors.New("TIFF pages form a loop")
		}
		seen[off] = true
		entries, next, err := t.ifd(off)
		if err != nil {
			if len(pages) > 0 {
				break // keep the pages that are readable
			}
			return nil, err
		}
		var p image.Point
		for _, e := range entries {
			switch e.tag {
			case tiffImageWidth:
				v, _ := t.uint(e)
				p.X = int(v)
			case tiffImageLength:
				v, _ := t.uint(e)
				p.Y = int(v)
			}
		}
		pages = append(pages, p)
		off = next
	}
	if len(pages) == 0 {
		return nil, errors.New("TIFF has no pages")
	}
	return pages, nil
}
