package library_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/docsift/docsift/backend/library"
)

func TestLimitUpload(t *testing.T) {
	for _, c := range []struct {
		size, limit int64
		tooLarge    bool
	}{{0, 10, false}, {10, 10, false}, {11, 10, true}, {5000, 10, true}, {9, 10, false}} {
		for _, half := range []bool{false, true} {
			var r io.Reader = strings.NewReader(strings.Repeat("z", int(c.size)))
			if half {
				r = iotest.OneByteReader(r)
			}
			u := library.LimitUpload(r, "a.txt", c.limit)
			got, err := io.ReadAll(u)
			var tl *library.TooLargeError
			switch {
			case c.tooLarge && (!errors.As(err, &tl) || u.Exceeded() == nil || int64(len(got)) > c.limit):
				t.Errorf("%d bytes, limit %d: read %d, %v", c.size, c.limit, len(got), err)
			case !c.tooLarge && (err != nil || u.Exceeded() != nil || int64(len(got)) != c.size):
				t.Errorf("%d bytes, limit %d: read %d, %v", c.size, c.limit, len(got), err)
			}
		}
	}
	err := library.LimitUpload(strings.NewReader(strings.Repeat("z", 3<<20)), "", 2<<20).Exceeded()
	if err != nil {
		t.Fatalf("Exceeded before any read: %v", err)
	}
	tl := &library.TooLargeError{Name: "scan.pdf", Limit: 500e6}
	if got := tl.Error(); got != `"scan.pdf" is larger than the upload limit of 500 MB (max_upload_size)` || !errors.Is(tl, library.ErrInvalid) {
		t.Errorf("TooLargeError = %q", got)
	}
	if got := (&library.TooLargeError{Limit: 2 << 30}).Error(); got != "the file is larger than the upload limit of 2 GiB (max_upload_size)" {
		t.Errorf("TooLargeError without a name = %q", got)
	}
}
