package extract

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// maxZipEntries bounds the members of an office archive. Real documents
// have tens to a few thousand (one per embedded image); a hostile archive
// can declare millions, each costing memory before anything is read.
const maxZipEntries = 20_000

// zipDoc is an office archive opened with a shared inflation budget: every
// byte inflated from any member counts against Limits.MaxUncompressed.
// The headers' declared sizes are never trusted; the bytes actually read
// are counted.
type zipDoc struct {
	zr     *zip.Reader
	format string // "DOCX", used in sentences
	limit  int64
	used   int64
	byName map[string]*zip.File // cleaned, lower-case member name
}

// openZip reads the archive's central directory.
func openZip(in Input, format string, lim Limits) (*zipDoc, error) {
	zr, err := zip.NewReader(source(in), in.Size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		var se *sourceError
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, Permanent("the %s file is damaged or truncated (it is not a readable zip archive); text not extracted", format)
	}
	if len(zr.File) > maxZipEntries {
		return nil, Permanent("the %s file has more than %d parts; text not extracted", format, maxZipEntries)
	}
	z := &zipDoc{zr: zr, format: format, limit: lim.MaxUncompressed, byName: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		name := zipName(f.Name)
		if _, dup := z.byName[name]; !dup {
			z.byName[name] = f
		}
	}
	return z, nil
}

// zipName is the lookup key of a member: forward slashes, no leading
// slash, cleaned, lower case (OOXML part names are case-insensitive).
func zipName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	return strings.ToLower(name)
}

// has reports whether the archive holds a member.
func (z *zipDoc) has(name string) bool { return z.byName[zipName(name)] != nil }

// names returns the members' lookup keys with the given prefix.
func (z *zipDoc) names(prefix string) []string {
	var out []string
	for _, f := range z.zr.File {
		if n := zipName(f.Name); strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

// open returns a reader over a member that charges the shared budget.
func (z *zipDoc) open(name string) (io.ReadCloser, error) {
	f := z.byName[zipName(name)]
	if f == nil {
		return nil, fmt.Errorf("%w: %s", errNoMember, name)
	}
	if f.Flags&0x1 != 0 {
		return nil, Permanent("the %s file is password-protected (encrypted); text not extracted", z.format)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return &budgetReader{rc: rc, z: z}, nil
}

// readSmall reads a whole member that is expected to be small (metadata,
// relationships), up to max bytes, also charging the budget.
func (z *zipDoc) readSmall(name string, max int64) ([]byte, error) {
	rc, err := z.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, Permanent("the %s file has an oversized %s part; text not extracted", z.format, name)
	}
	return b, nil
}

// errNoMember: the archive lacks a part (callers decide if it matters).
var errNoMember = errors.New("zip member not found")

// tooBig is the sentence for an archive that inflates past the limit.
func (z *zipDoc) tooBig() error {
	return Permanent("the %s expands to more than %s; text not extracted", z.format, sizeText(z.limit))
}

// budgetReader counts inflated bytes against the archive's budget and
// fails with a permanent error once the budget is spent.
type budgetReader struct {
	rc io.ReadCloser
	z  *zipDoc
}

func (b *budgetReader) Read(p []byte) (int, error) {
	left := b.z.limit - b.z.used
	if left <= 0 {
		// Allow one more byte to tell "exactly at the limit" from "over".
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, b.z.tooBig()
		}
		return 0, err
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := b.rc.Read(p)
	b.z.used += int64(n)
	return n, err
}

func (b *budgetReader) Close() error { return b.rc.Close() }

// walkMember opens a member and walks its XML with fn, closing it after.
func (z *zipDoc) walkMember(ctx context.Context, name string, fn func(*xmlWalker) error) error {
	rc, err := z.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return fn(newXMLWalker(ctx, rc, z.format))
}
