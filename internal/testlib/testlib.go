// Package testlib holds what the tests that build a library.Library
// share. It is for tests only: no product package imports it.
package testlib

import (
	"context"
	"os"
	"path/filepath"

	"github.com/docsift/docsift/backend/extract"
	"github.com/docsift/docsift/backend/library"
)

// Extractors is a library.Deps.Extractors that builds extract's default
// registry with one compilation cache for every test run on this machine,
// as a data directory's cache would be: compiling the PDF engine takes
// seconds, and each test's data directory is new.
func Extractors(context.Context, library.Settings) (library.Extractor, error) {
	reg, err := extract.Default(extract.Options{CacheDir: filepath.Join(os.TempDir(), "docsift-test-cache")})
	if err != nil {
		return nil, err
	}
	return reg, nil
}
