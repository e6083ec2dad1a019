package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/bench/corpus"
	"github.com/docsift/docsift/backend/classify"
	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/extract"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/wire"
)

// RunChild runs `docsift-bench child KIND ARGS...`: the
// measured work that has no docsift command of its own, in a process of
// its own so that its rusage is the work's alone.
//
//	classify LEARNED MEASURED   the builtin classifier (prints JSON)
//	worker LOGFILE              the pipeline's workers, like `docsift worker`,
//	                            appending every document it extracts to LOGFILE
func RunChild(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("child: name a kind (classify, worker)")
	}
	switch args[0] {
	case "classify":
		if len(args) != 3 {
			return fmt.Errorf("child classify LEARNED MEASURED")
		}
		learned, err1 := strconv.Atoi(args[1])
		measured, err2 := strconv.Atoi(args[2])
		if err1 != nil || err2 != nil || learned < 1 || measured < 1 {
			return fmt.Errorf("child classify: LEARNED and MEASURED are counts")
		}
		return childClassify(ctx, learned, measured, stdout)
	case "worker":
		if len(args) != 2 {
			return fmt.Errorf("child worker LOGFILE")
		}
		return childWorker(ctx, cfg, args[1])
	}
	return fmt.Errorf("child: unknown kind %q", args[0])
}

// childClassify teaches a builtin classifier `learned` documents of 20
// topics (through its public API only), then times Classify and Learn on
// `measured` new documents each.
func childClassify(ctx context.Context, learned, measured int, stdout io.Writer) error {
	vocab, _ := corpus.Words()
	c := &corpus.Corpus{Vocab: vocab, Seed: 15, Batch: "cls", Topics: seedTopics}
	topics := make([]classify.Topic, seedTopics)
	for i := range topics {
		topics[i] = classify.Topic{ID: fmt.Sprintf("t%02d", i), Name: fmt.Sprintf("topic%02d", i)}
	}
	b := classify.NewBuiltin()
	example := func(i int) classify.Example {
		// As the library learns: with the topics, for the held-out check.
		return classify.Example{DocumentID: fmt.Sprintf("d%07d", i), Text: c.Text(i), Topics: []string{topics[i%seedTopics].ID}, Among: topics}
	}
	for i := range learned {
		b.Learn(example(i))
	}
	res := classifyTimes{Learned: learned}
	for i := learned; i < learned+measured; i++ {
		text := c.Text(i)
		t0 := time.Now()
		r, err := b.Classify(ctx, text, topics)
		res.Classify = append(res.Classify, float64(time.Since(t0).Microseconds())/1000)
		if err != nil {
			return err
		}
		if len(r.Topics) > 0 && r.Topics[0].TopicID == topics[i%seedTopics].ID {
			res.Correct++
		}
	}
	for i := learned + measured; i < learned+2*measured; i++ {
		ex := example(i)
		t0 := time.Now()
		b.Learn(ex)
		res.Learn = append(res.Learn, float64(time.Since(t0).Microseconds())/1000)
	}
	return json.NewEncoder(stdout).Encode(res)
}

// childWorker runs the pipeline's worker pool over cfg's library the way
// `docsift worker` does (same library.Workers, same extractors, two
// workers), until ctx ends; every extraction appends the document's name
// to logPath, so the harness can count documents processed twice across
// processes.
func childWorker(ctx context.Context, cfg config.Config, logPath string) error {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cache := extract.UserCacheDir(os.Getenv, "") // the harness's XDG_CACHE_HOME
	if cache == "" {
		cache = filepath.Join(cfg.DataDir, "cache")
	}
	counting := func(ctx context.Context, s library.Settings) (library.Extractor, error) {
		reg, err := extract.Default(extract.Options{CacheDir: cache, OCRLanguages: s.OCRLanguages})
		if err != nil {
			return nil, err
		}
		return &countingExtractor{Extractor: reg, log: logFile}, nil
	}
	lib, err := wire.Open(ctx, cfg, library.Deps{Bus: events.New(), Extractors: counting})
	if err != nil {
		return err
	}
	defer lib.Close()
	pool, err := lib.Workers(ctx, jobs.Options{Workers: 2})
	if err != nil {
		return err
	}
	return pool.Run(ctx)
}

// countingExtractor logs every extraction it is asked for.
type countingExtractor struct {
	library.Extractor
	mu  sync.Mutex
	log io.Writer
}

// Extract logs in.Name, then extracts.
func (e *countingExtractor) Extract(ctx context.Context, in extract.Input) (extract.Result, error) {
	e.mu.Lock()
	fmt.Fprintln(e.log, in.Name)
	e.mu.Unlock()
	return e.Extractor.Extract(ctx, in)
}
