package extract

import (
	"encoding/binary"
	"image"
	"io"

	"github.com/disintegration/imaging"
)

// maxJPEGSegments bounds the markers read looking for EXIF.
const maxJPEGSegments = 64

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG, 0 when it
// has none or it cannot be read. Cameras store the sensor's pixels and
// record how to turn them; without this, phone photos lie on their side.
func jpegOrientation(r io.ReaderAt, size int64) int {
	off := int64(2) // after SOI
	for range maxJPEGSegments {
		var m [4]byte
		if off+4 > size {
			return 0
		}
		if _, err := r.ReadAt(m[:], off); err != nil || m[0] != 0xFF {
			return 0
		}
		marker := m[1]
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0xFF {
			off += 2 // markers without a length (0xFF: fill byte)
			if marker == 0xFF {
				off--
			}
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan / end: no EXIF before
			return 0
		}
		length := int64(binary.BigEndian.Uint16(m[2:]))
		if length < 2 {
			return 0
		}
		if marker == 0xE1 && length >= 16 {
			var id [6]byte
			if _, err := r.ReadAt(id[:], off+4); err == nil && string(id[:]) == "Exif\x00\x00" {
				return exifOrientationAt(r, off+10, min(length-8, size-(off+10)))
			}
		}
		off += 2 + length
	}
	return 0
}

// exifOrientationAt reads tag 0x0112 from IFD0 of the TIFF structure that
// starts at base.
func exifOrientationAt(r io.ReaderAt, base, limit int64) int {
	t, off, err := newTIFFReader(r, base, limit)
	if err != nil {
		return 0
	}
	entries, _, err := t.ifd(off)
	if err != nil {
		return 0
	}
	for _, e := range entries {
		if e.tag == exifOrientation {
			if v, ok := t.uint(e); ok && v >= 1 && v <= 8 {
				return int(v)
			}
		}
	}
	return 0
}

// orient turns img upright according to an EXIF orientation.
func orient(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}
