package meta_test

import (
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
	known := mem.Known()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := docs[i%len(docs)]
		meta.Extract(texts[i%len(texts)], meta.Options{Language: d.Lang, Known: known, Now: now})
	}
}
