package extract

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"

	"github.com/gen2brain/heic"
)

// HEIC/HEIF (phone photos since iOS 11) are read by github.com/gen2brain/heic:
// libheif and libde265 compiled to WebAssembly and run by wazero, so no C
// library is needed at build or run time. (On a dynamically linked binary
// it first tries a system libheif.so through purego; build with
// -tags nodynamic to always use the sandboxed WebAssembly copy.)
//
// Orientation: HEIF turns pictures with its irot/imir (and crops with
// clap) item properties, and libheif applies them while decoding (the
// library's decode options keep ignore_transformations at 0), and reports
// the turned size in its header. An EXIF Orientation inside a HEIC only
// repeats what irot says (ISO/IEC 23008-12 makes the properties the rule),
// so imageInfo.Orientation stays 0: applying EXIF too would turn phone
// photos twice.

// heicBrands are the ftyp brands of HEVC-coded HEIF files.
var heicBrands = map[string]bool{
	"heic": true, "heix": true, "heim": true, "heis": true,
	"hevc": true, "hevx": true, "hevm": true, "hevs": true,
}

// maxHEICBoxes bounds the top-level boxes walked in a HEIF file.
const maxHEICBoxes = 1024

// heicHeaderSize is how much of the file heic.DecodeConfig reads: the
// meta box (item sizes) must lie within it, which every writer we know
// of does (it precedes mdat).
const heicHeaderSize = 32 << 10

// isHEIC tells a HEVC-coded HEIF file from its ftyp box: the major or a
// compatible brand says heic (or a relative); a bare "mif1"/"msf1" HEIF
// counts too unless it says AVIF, which this decoder cannot read.
func isHEIC(head []byte) bool {
	if len(head) < 16 || string(head[4:8]) != "ftyp" {
		return false
	}
	n := int(binary.BigEndian.Uint32(head))
	if n < 16 || n > len(head) {
		n = len(head)
	}
	brands := []string{string(head[8:12])}
	for off := 16; off+4 <= n; off += 4 {
		brands = append(brands, string(head[off:off+4]))
	}
	heif := false
	for _, b := range brands {
		switch {
		case heicBrands[b]:
			return true
		case b == "avif" || b == "avis" || b == "avio":
			return false
		case b == "mif1" || b == "msf1":
			heif = true
		}
	}
	return heif
}

// errHEICTruncated: a box of the file ends past its end.
var errHEICTruncated = errors.New("the file is cut short")

// probeHEIC reads the size of the primary image from the headers only.
// The top-level boxes are walked first, so a truncated download is
// refused here, with a sentence, rather than half-decoded later.
func probeHEIC(r io.ReaderAt, size int64) (image.Point, error) {
	var metaEnd int64
	off := int64(0)
	for i := 0; off < size; i++ {
		if i == maxHEICBoxes {
			return image.Point{}, errors.New("too many boxes")
		}
		var h [16]byte
		if off+8 > size {
			return image.Point{}, errHEICTruncated
		}
		if _, err := r.ReadAt(h[:8], off); err != nil {
			return image.Point{}, err
		}
		n := int64(binary.BigEndian.Uint32(h[:4]))
		typ := string(h[4:8])
		switch n {
		case 0: // to the end of the file
			n = size - off
		case 1: // 64-bit size follows
			if off+16 > size {
				return image.Point{}, errHEICTruncated
			}
			if _, err := r.ReadAt(h[8:16], off+8); err != nil {
				return image.Point{}, err
			}
			u := binary.BigEndian.Uint64(h[8:16])
			if u > uint64(size) {
				return image.Point{}, errHEICTruncated
			}
			n = int64(u)
			if n < 16 {
				return image.Point{}, fmt.Errorf("box %q has a bad size", typ)
			}
		default:
			if n < 8 {
				return image.Point{}, fmt.Errorf("box %q has a bad size", typ)
			}
		}
		if i == 0 && typ != "ftyp" {
			return image.Point{}, errors.New("no ftyp box")
		}
		if n > size-off {
			return image.Point{}, errHEICTruncated
		}
		if typ == "meta" && metaEnd == 0 {
			metaEnd = off + n
		}
		off += n
	}
	if metaEnd == 0 {
		return image.Point{}, errors.New("no meta box")
	}
	if metaEnd > heicHeaderSize {
		return image.Point{}, fmt.Errorf("the metadata ends at byte %d, past the first %d KiB this reader looks at", metaEnd, heicHeaderSize>>10)
	}
	// DecodeConfig parses the boxes (in WebAssembly) and stops before
	// any pixel is decoded: only the first heicHeaderSize bytes are read.
	cfg, err := heic.DecodeConfig(io.NewSectionReader(r, 0, size))
	if err != nil {
		return image.Point{}, heicError(err)
	}
	return image.Point{X: cfg.Width, Y: cfg.Height}, nil
}

// decodeHEIC decodes the primary image, already turned upright.
func decodeHEIC(r io.Reader) (image.Image, error) {
	img, err := heic.Decode(r)
	if err != nil {
		return nil, heicError(err)
	}
	return img, nil
}

// errHEICUnreadable replaces the decoder's "heic: decode failed" (all
// that libheif's answer says) in the sentence shown to a person.
var errHEICUnreadable = errors.New("libheif cannot read it (damaged, or not coded in HEVC)")

func heicError(err error) error {
	if errors.Is(err, heic.ErrDecode) {
		return errHEICUnreadable
	}
	return err
}
