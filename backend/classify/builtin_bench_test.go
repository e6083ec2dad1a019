package classify

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// Benchmarks at the size the issue sets: 10,000 learned documents of about
// 300 words, 10 topics. The documents are synthetic but made of real text:
// each is a run of 8–24-word passages drawn from the corpus documents of
// one section, so words and word pairs recur as they do in a library.

const (
	benchDocs   = 10000
	benchTopics = 10
	benchWords  = 300
)

// benchCorpus is the generated text, made once for all benchmarks.
type benchCorpus struct {
	topics []Topic
	docs   []Example // learned
	fresh  []Example // not learned: texts to classify and to learn
	model  *Builtin
}

var (
	benchOnce sync.Once
	bench     benchCorpus
)

func loadBench(b *testing.B) *benchCorpus {
	benchOnce.Do(func() {
		s := loadCorpus(b)
		// Words of each section's documents, in order.
		words := make([][]string, len(corpusTopics))
		all := append(append([]corpusDoc(nil), s.validation...), s.test...)
		for _, ts := range s.train {
			all = append(all, ts...)
		}
		for _, d := range all {
			for k, t := range corpusTopics {
				if t.ID == d.Topic {
					words[k] = append(words[k], strings.Fields(d.Text)...)
				}
			}
		}
		rng := rand.New(rand.NewPCG(1, 2))
		text := func(topic int) string {
			src := words[topic%len(words)]
			var out []string
			for len(out) < benchWords {
				n := 8 + rng.IntN(17)
				at := rng.IntN(len(src) - n)
				out = append(out, src[at:at+n]...)
			}
			return strings.Join(out, " ")
		}
		for k := range benchTopics {
			t := corpusTopics[k%len(corpusTopics)]
			bench.topics = append(bench.topics, Topic{ID: fmt.Sprintf("t%d", k), Name: fmt.Sprintf("%s %d", t.Name, k), Description: t.Description})
		}
		example := func(i int) Example {
			k := i % benchTopics
			// With the topics, as the library learns: a held-out check each.
			ex := Example{DocumentID: fmt.Sprintf("doc-%d", i), Text: text(k), Topics: []string{bench.topics[k].ID}, Among: bench.topics}
			if i%7 == 0 { // some documents have two topics, some a rejection
				ex.Topics = append(ex.Topics, bench.topics[(k+1)%benchTopics].ID)
			}
			if i%11 == 0 {
				ex.Rejected = []string{bench.topics[(k+2)%benchTopics].ID}
			}
			return ex
		}
		bench.model = NewBuiltin()
		for i := range benchDocs {
			ex := example(i)
			bench.docs = append(bench.docs, ex)
			bench.model.Learn(ex)
		}
		for i := range 200 {
			bench.fresh = append(bench.fresh, example(benchDocs+i))
		}
	})
	return &bench
}

// BenchmarkBuiltinClassify is one classification at 10,000 learned
// documents and 10 topics.
func BenchmarkBuiltinClassify(b *testing.B) {
	c := loadBench(b)
	ctx := context.Background()
	b.ReportAllocs()
	cpu := startCPU(b)
	i := 0
	for b.Loop() {
		if _, err := c.model.Classify(ctx, c.fresh[i%len(c.fresh)].Text, c.topics); err != nil {
			b.Fatal(err)
		}
		i++
	}
	cpu.report(b, i)
}

// cpuMeter reports the process's CPU time per operation ("cpu-ns/op").
type cpuMeter struct{ start time.Duration }

func startCPU(b *testing.B) cpuMeter {
	b.Helper()
	t, _ := processCPU()
	return cpuMeter{t}
}

func (m cpuMeter) report(b *testing.B, ops int) {
	if t, ok := processCPU(); ok && ops > 0 {
		b.ReportMetric(float64(t-m.start)/float64(ops), "cpu-ns/op")
	}
}

// BenchmarkBuiltinLearn is one learning update at 10,000 learned
// documents: a learned document is learned again with another text and
// other topics, so each update also takes back the document's previous
// contribution (the dearer case), and the model stays at 10,000.
func BenchmarkBuiltinLearn(b *testing.B) {
	c := loadBench(b)
	b.ReportAllocs()
	cpu := startCPU(b)
	i := 0
	for b.Loop() {
		ex := c.fresh[i%len(c.fresh)]
		ex.DocumentID = c.docs[(i*7919)%len(c.docs)].DocumentID
		c.model.Learn(ex)
		i++
	}
	cpu.report(b, i)
	b.StopTimer()
	if c.model.Examples() != benchDocs {
		b.Fatalf("Examples() = %d, want %d", c.model.Examples(), benchDocs)
	}
}

// BenchmarkBuiltinForget is one unlearning at 10,000 documents (each
// forgotten document is learned back untimed).
func BenchmarkBuiltinForget(b *testing.B) {
	c := loadBench(b)
	i := 0
	for b.Loop() {
		ex := c.docs[(i*7919)%len(c.docs)]
		c.model.Forget(ex.DocumentID)
		b.StopTimer()
		c.model.Learn(ex)
		b.StartTimer()
		i++
	}
}

// BenchmarkBuiltinMarshal saves and loads the model at 10,000 documents,
// and reports its size.
func BenchmarkBuiltinMarshal(b *testing.B) {
	c := loadBench(b)
	var size int
	for b.Loop() {
		data, err := c.model.MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := LoadBuiltin(data); err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "model-bytes")
}

// BenchmarkBuiltinSnapshot writes and loads a snapshot of the counts at
// 10,000 documents (what opening a library reads), and reports its size.
func BenchmarkBuiltinSnapshot(b *testing.B) {
	c := loadBench(b)
	data, err := c.model.MarshalSnapshot()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("marshal", func(b *testing.B) {
		cpu, n := startCPU(b), 0
		for b.Loop() {
			if _, err := c.model.MarshalSnapshot(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		cpu.report(b, n)
		b.ReportMetric(float64(len(data)), "snapshot-bytes")
	})
	b.Run("load", func(b *testing.B) {
		cpu, n := startCPU(b), 0
		for b.Loop() {
			if _, err := LoadSnapshot(data); err != nil {
				b.Fatal(err)
			}
			n++
		}
		cpu.report(b, n)
		b.ReportMetric(float64(len(data)), "snapshot-bytes")
	})
}

// BenchmarkBuiltinLesson is one learning update as the library makes it
// at 10,000 documents: the lesson of a document learned again (its held-out
// check made without its previous lesson), encoded, and applied in place
// of the previous one. It reports the bytes one update writes.
func BenchmarkBuiltinLesson(b *testing.B) {
	c := loadBench(b)
	m := c.model
	prev := map[string]*Lesson{}
	for _, l := range m.Lessons() {
		prev[l.DocumentID] = l
	}
	data, err := m.MarshalSnapshot()
	if err != nil {
		b.Fatal(err)
	}
	if m, err = LoadSnapshot(data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := startCPU(b)
	i, written := 0, 0
	for b.Loop() {
		ex := c.fresh[i%len(c.fresh)]
		ex.DocumentID = c.docs[(i*7919)%len(c.docs)].DocumentID
		old := prev[ex.DocumentID]
		next := m.Lesson(ex, old)
		enc, err := next.MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		written += len(enc)
		m.Apply(old, next)
		prev[ex.DocumentID] = next
		i++
	}
	cpu.report(b, i)
	b.ReportMetric(float64(written)/float64(i), "lesson-bytes")
	if m.Examples() != benchDocs {
		b.Fatalf("Examples() = %d, want %d", m.Examples(), benchDocs)
	}
}
