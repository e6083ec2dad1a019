package meta_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/meta"
)

// BenchmarkExtract is the time to read the three fields of one text
// document of the corpus, with a memory of the corpus's correspondents.
func BenchmarkExtract(b *testing.B) {
	docs := loadManifest(b, "testdata/corpus/tune.json")
	texts := make([]string, len(docs))
	var mem meta.Memory
	for i, d := range docs {
		raw, err := os.ReadFile(filepath.Join("testdata/corpus/tune", d.File))
		if err != nil {
			b.Fatal(err)
		}
		texts[i] = string(raw)
		if err := mem.Confirm(d.Correspondent, texts[i], meta.Options{Language: d.Lang}); err != nil {
			b.Fatal(err)
		}
	}
	known := mem.Index()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := docs[i%len(docs)]
		meta.Extract(texts[i%len(texts)], meta.Options{Language: d.Lang, Known: known, Now: now})
	}
}

// BenchmarkExtractManyKnown is Extract with a person who confirmed 500
// correspondents, three aliases each.
func BenchmarkExtractManyKnown(b *testing.B) {
	docs := loadManifest(b, "testdata/corpus/tune.json")
	texts := make([]string, len(docs))
	for i, d := range docs {
		raw, err := os.ReadFile(filepath.Join("testdata/corpus/tune", d.File))
		if err != nil {
			b.Fatal(err)
		}
		texts[i] = string(raw)
	}
	known := make([]meta.Correspondent, 500)
	for i := range known {
		known[i] = meta.Correspondent{Name: fmt.Sprintf("Firma %d Nummer %d GmbH", i, i*7),
			Aliases: []string{fmt.Sprintf("Firma %d Gesellschaft mbH", i), fmt.Sprintf("@firma%d.example", i), fmt.Sprintf("FIRMA %d", i)}}
	}
	idx := meta.NewIndex(known)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := docs[i%len(docs)]
		meta.Extract(texts[i%len(texts)], meta.Options{Language: d.Lang, Known: idx})
	}
}
