package localfs_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/docsift/docsift/backend/blob/localfs"
)

// BenchmarkPut measures durable Puts (temp file, fsync, rename, folder
// fsync) with keys shaped like the library's: one new folder per document.
func BenchmarkPut(b *testing.B) {
	for _, size := range []int{3 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			st, err := localfs.New(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			data := bytes.Repeat([]byte("docsift!"), size/8)
			ctx := b.Context()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				key := fmt.Sprintf("u1/%08d/obj.pdf", i)
				i++
				if _, err := st.Put(ctx, key, bytes.NewReader(data), int64(size)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "puts/s")
		})
	}
}
