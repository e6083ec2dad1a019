package library_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/library"
)

// benchWords is a small vocabulary for generated documents.
var benchWords = strings.Fields(`invoice payment account balance contract insurance policy
tax return receipt bank transfer salary pension health doctor appointment letter notice rent
lease garden energy electricity water heating car repair service warranty order delivery parcel`)

func benchText(r *rand.Rand, token string, size int) string {
	var b strings.Builder
	b.WriteString(token)
	for b.Len() < size {
		b.WriteByte(' ')
		b.WriteString(benchWords[r.IntN(len(benchWords))])
	}
	return b.String()
}

// benchDoc returns document i of the mixed corpus: 90% text of ~2.5 KB,
// 10% one-page PDFs. Each carries a unique token (in the PDF's name).
func benchDoc(r *rand.Rand, pdf []byte, i int) (token, name string, body []byte) {
	token = fmt.Sprintf("tok%06dx", i)
	if i%10 == 9 {
		return token, token + ".pdf", append(append([]byte{}, pdf...), fmt.Sprintf("\n%% %s\n", token)...)
	}
	return token, token + ".txt", []byte(benchText(r, token, 2500))
}

func searchable(b *testing.B, e *env, token string) bool {
	res, err := e.lib.Search(context.Background(), token, library.SearchOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return len(res.Hits) == 1
}

// BenchmarkIngestToSearchable measures import → searchable on the local
// profile with the worker pool running, over 500 mixed documents:
//   - sequential: all 500 imported one after another, then waited for;
//     documents/s from the first import to the last one searchable;
//   - one-at-a-time: each document imported and waited for (polling a
//     search for its unique token) before the next; time-to-searchable
//     p50/p95/max.
func BenchmarkIngestToSearchable(b *testing.B) {
	pdf, err := os.ReadFile("../extract/testdata/text.pdf")
	if err != nil {
		b.Fatal(err)
	}
	const n = 500
	ctx := context.Background()
	b.Run("sequential", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			e := newLocal(b)
			startWorkers(b, e)
			r := rand.New(rand.NewPCG(1, 2))
			tokens := make([]string, n)
			b.StartTimer()
			start := time.Now()
			for i := range n {
				token, name, body := benchDoc(r, pdf, i)
				tokens[i] = token
				if _, err := e.lib.Import(ctx, name, "", bytes.NewReader(body)); err != nil {
					b.Fatal(err)
				}
			}
			for _, tok := range tokens {
				for !searchable(b, e, tok) {
					time.Sleep(time.Millisecond)
				}
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "docs/s")
		}
	})
	b.Run("one-at-a-time", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			e := newLocal(b)
			startWorkers(b, e)
			r := rand.New(rand.NewPCG(1, 2))
			lat := make([]time.Duration, 0, n)
			b.StartTimer()
			for i := range n {
				token, name, body := benchDoc(r, pdf, i)
				t0 := time.Now()
				if _, err := e.lib.Import(ctx, name, "", bytes.NewReader(body)); err != nil {
					b.Fatal(err)
				}
				for !searchable(b, e, token) {
					time.Sleep(500 * time.Microsecond)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[n/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[n*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(lat[n-1].Microseconds())/1000, "max-ms")
			b.StartTimer()
		}
	})
}

// BenchmarkImportPath imports 3 KB files one after another through
// ImportPath on the local profile (no workers): the cost of storing bytes,
// row, job and index entry, per file.
func BenchmarkImportPath(b *testing.B) {
	src := b.TempDir()
	paths := make([]string, b.N)
	for i := range paths {
		paths[i] = filepath.Join(src, fmt.Sprintf("doc-%07d.txt", i))
		os.WriteFile(paths[i], []byte(fmt.Sprintf("%07d %s", i, strings.Repeat("line of text ", 230))), 0o644)
	}
	e := newLocal(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.lib.ImportPath(ctx, paths[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
