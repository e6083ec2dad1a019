package ranking

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

type bleveDoc struct {
	Name   string `json:"name"`
	Topics string `json:"topics"`
	Body   string `json:"body"`
}

// bleveMapping indexes name, topics and body with lower case and the
// Porter stemmer and no stop words (as FTS5's porter unicode61), BM25
// scoring; the body is stored with term vectors, for highlighting.
func bleveMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer("docsift", map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name, porter.Name},
	}); err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = "docsift"
	m.ScoringModel = "bm25"
	dm := bleve.NewDocumentMapping()
	field := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = "docsift"
		f.Store = store
		f.IncludeTermVectors = store
		f.IncludeInAll = false
		return f
	}
	dm.AddFieldMappingsAt("name", field(false))
	dm.AddFieldMappingsAt("topics", field(false))
	dm.AddFieldMappingsAt("body", field(true))
	m.DefaultMapping = dm
	return m, nil
}

// bleveQuery is the shape over the three fields, boosted as the local
// profile's bm25 weights (name 10, topics 5, body 1).
func bleveQuery(s shape) query.Query {
	boosts := map[string]float64{"name": 10, "topics": 5, "body": 1}
	over := func(mk func(field string) query.Query) query.Query {
		var qs []query.Query
		for _, f := range []string{"name", "topics", "body"} {
			q := mk(f)
			q.(query.BoostableQuery).SetBoost(boosts[f])
			qs = append(qs, q)
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	var q query.Query
	switch {
	case s.prefix:
		q = over(func(f string) query.Query {
			p := bleve.NewPrefixQuery(s.words[0])
			p.SetField(f)
			return p
		})
	case s.phrase:
		q = over(func(f string) query.Query {
			p := bleve.NewMatchPhraseQuery(strings.Join(s.words, " "))
			p.SetField(f)
			return p
		})
	default:
		var parts []query.Query
		for _, w := range s.words {
			parts = append(parts, over(func(f string) query.Query {
				m := bleve.NewMatchQuery(w)
				m.SetField(f)
				return m
			}))
		}
		q = bleve.NewConjunctionQuery(parts...)
	}
	if s.topic >= 0 {
		t := bleve.NewTermQuery(fmt.Sprintf("topic%02d", s.topic))
		t.SetField("topics")
		q = bleve.NewConjunctionQuery(q, t)
	}
	return q
}

func measureBleve(ctx context.Context, dir string, n int) error {
	path := filepath.Join(dir, "index.bleve")
	c := theCorpus()
	idx, err := bleve.Open(path)
	if err != nil {
		m, err := bleveMapping()
		if err != nil {
			return err
		}
		if idx, err = bleve.New(path, m); err != nil {
			return err
		}
		t0 := time.Now()
		b := idx.NewBatch()
		for i := range n {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			d := bleveDoc{Name: fmt.Sprintf("%s-%06d.txt", c.Batch, i), Topics: fmt.Sprintf("topic%02d", i%20), Body: c.Text(i)}
			if err := b.Index(fmt.Sprintf("%06d", i), d); err != nil {
				return err
			}
			if b.Size() == 1000 {
				if err := idx.Batch(b); err != nil {
					return err
				}
				b.Reset()
			}
		}
		if err := idx.Batch(b); err != nil {
			return err
		}
		took := time.Since(t0)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("bleve: indexed %d documents in %s (%.0f docs/s); peak RSS %.0f MiB; Go heap now %.0f MiB\n",
			n, took.Round(100*time.Millisecond), float64(n)/took.Seconds(), peakRSS(), float64(ms.HeapInuse)/(1<<20))
	}
	defer idx.Close()
	out, _ := exec.Command("du", "-sm", path).Output()
	fmt.Printf("bleve: index size %s MB\n", strings.Fields(string(out) + " ?")[0])
	fmt.Println("shape | matches | top 50 p50/p95 (CPU p50) ms | top 50 + highlight p50/p95 (CPU p50) ms")
	for _, s := range shapes(c) {
		q := bleveQuery(s)
		var total uint64
		plain := func() error {
			r := bleve.NewSearchRequestOptions(q, 50, 0, false)
			res, err := idx.SearchInContext(ctx, r)
			if err == nil {
				total = res.Total
			}
			return err
		}
		hl := func() error {
			r := bleve.NewSearchRequestOptions(q, 50, 0, false)
			r.Highlight = bleve.NewHighlight()
			r.Highlight.AddField("body")
			_, err := idx.SearchInContext(ctx, r)
			return err
		}
		p50, p95, pc, err := timeItCPU(15, plain)
		if err != nil {
			return err
		}
		h50, h95, hc, err := timeItCPU(15, hl)
		if err != nil {
			return err
		}
		fmt.Printf("%s | %d | %.1f / %.1f (%.1f) | %.1f / %.1f (%.1f)\n", s.name, total, p50, p95, pc, h50, h95, hc)
	}
	// The phrase in the body alone: how much the three fields cost.
	for _, s := range shapes(c) {
		if !s.phrase {
			continue
		}
		p := bleve.NewMatchPhraseQuery(strings.Join(s.words, " "))
		p.SetField("body")
		p50, p95, pc, err := timeItCPU(15, func() error {
			_, err := idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(p, 50, 0, false))
			return err
		})
		if err != nil {
			return err
		}
		fmt.Printf("%s, body only | | %.1f / %.1f (%.1f) |\n", s.name, p50, p95, pc)
	}
	fmt.Printf("bleve: peak RSS after queries %.0f MiB\n", peakRSS())
	_ = os.Stdout.Sync()
	return nil
}
