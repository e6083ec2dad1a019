package library

import (
	"fmt"
	"io"

	"github.com/docsift/docsift/backend/internal/bytesize"
)

// TooLargeError is a file larger than the upload limit (max_upload_size).
// It answers true to errors.Is(err, ErrInvalid); the serve face answers
// it with 413.
type TooLargeError struct {
	// Name is the file's name as sent ("" when unknown).
	Name string
	// Limit is the upload limit in bytes.
	Limit int64
}

func (e *TooLargeError) Error() string {
	what := "the file"
	if e.Name != "" {
		what = fmt.Sprintf("%q", e.Name)
	}
	return fmt.Sprintf("%s is larger than the upload limit of %s (max_upload_size)", what, bytesize.Format(e.Limit))
}

// Is makes a TooLargeError an ErrInvalid.
func (e *TooLargeError) Is(target error) bool { return target == ErrInvalid }

// UploadReader is an upload cut off at its limit (LimitUpload).
type UploadReader struct {
	r     io.Reader
	name  string
	left  int64
	limit int64
	err   *TooLargeError
}

// LimitUpload returns r cut off at limit bytes (limit <= 0: the default,
// 2 GiB): a read past the limit fails with a *TooLargeError, and the
// import then removes what it stored. Exactly limit bytes are fine.
func LimitUpload(r io.Reader, name string, limit int64) *UploadReader {
	if limit <= 0 {
		limit = bytesize.DefaultMaxUpload
	}
	return &UploadReader{r: r, name: name, left: limit, limit: limit}
}

// Read reads from the upload until the limit is passed.
func (u *UploadReader) Read(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	if int64(len(p)) > u.left+1 {
		p = p[:u.left+1] // one byte more than allowed tells "too large"
	}
	n, err := u.r.Read(p)
	if int64(n) > u.left {
		u.err = &TooLargeError{Name: u.name, Limit: u.limit}
		return int(u.left), u.err
	}
	u.left -= int64(n)
	return n, err
}

// Exceeded is the *TooLargeError once a read passed the limit, else nil.
// Ask it rather than the import's error: an object store may not keep
// the reader's error in its chain.
func (u *UploadReader) Exceeded() error {
	if u.err == nil {
		return nil
	}
	return u.err
}
