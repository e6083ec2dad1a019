package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/bench/corpus"
)

// Options configure a run.
type Options struct {
	// Quick runs every scenario at a small size with few repeats (a minute
	// or two): a check that the harness works, not figures to compare.
	Quick bool
	// SearchDocs replaces the library sizes of the search, relevance and
	// list scenarios (nil: 10,000 and 100,000; --quick 2,000); the last is
	// the large library.
	SearchDocs []int
	// Out is the folder of the JSON reports ("" : build/bench).
	Out string
	// Profiles to measure: local, server or both (nil: both).
	Profiles []string
	// Only runs these scenarios (nil: all); see Scenarios.
	Only []string
	// Exe is the docsift binary the measured commands run (import,
	// serve…): "" means docsift beside this executable (build/bin/).
	Exe string
	// Self runs the measured work that has no docsift command (`child
	// classify`, `child worker`, see RunChild): "" means this executable,
	// docsift-bench.
	Self string
	// ExeEnv is added to every child's environment (a test binary that
	// re-executes itself as docsift uses it).
	ExeEnv []string
	// Stdout receives the table; Log the progress lines (nil: discard).
	Stdout, Log io.Writer
	// Getenv reads DOCSIFT_TEST_* (the services) and CI.
	Getenv func(string) string
	// TempDir holds the libraries and corpora while they are used ("":
	// the system's).
	TempDir string
}

// ErrServicesMissing means the server profile was asked for under
// CI=true and its services do not answer: CI never skips them silently.
var ErrServicesMissing = errors.New("server profile services missing")

// scenario is one measured capability.
type scenario struct {
	name     string
	summary  string
	profiles []string // where it applies
	run      func(ctx context.Context, h *harness, profile string) error
}

// scenarios in the order they run (cheap and independent first; the
// seeded 100k libraries are shared by search, list and start).
func scenarios() []scenario {
	both := []string{profileLocal, profileServer}
	return []scenario{
		{"import", "docsift import of small files vs the raw store (copy+fsync; PUT+INSERT) at the same concurrency", both, runImport},
		{"stream", "docsift import of 1 KB–50 MB files: MB/s and peak RSS", both, runStream},
		{"ingest", "upload → searchable through docsift serve, 1 and 4 clients", both, runIngest},
		{"ocr", "page images (scans) upload → searchable; full mode only", both, runOCR},
		{"search", "search top 50 with snippets at 10k and 100k vs the raw index", both, runSearch},
		{"relevance", "best match top 10 vs an exhaustive ranking, 200 queries at 100k; zebra", both, runRelevance},
		{"list", "listing pages and topic counts at 100k", both, runList},
		{"start", "serve cold start to first 200 at 100k; idle RSS", both, runStart},
		{"drop", "drop folder rename → listed; burst", both, runDrop},
		{"classify", "builtin classify and learn at 10k learned documents", []string{profileLocal}, runClassify},
		{"scaleout", "the same ingest with 1 and 2 worker processes", []string{profileServer}, runScaleOut},
	}
}

// Scenarios lists the scenario names and what each measures.
func Scenarios() [][2]string {
	var out [][2]string
	for _, s := range scenarios() {
		out = append(out, [2]string{s.name, s.summary})
	}
	return out
}

// sizes are the corpus sizes and repeats of a run.
type sizes struct {
	importFiles, importRuns int
	streamSizes             []int64
	ingestDocs, ingestRuns  int
	searchDocs              []int // the last is the "large" library (list, start)
	queryRepeats            int
	listRepeats             int
	coldStarts              int
	idle                    time.Duration
	dropFiles, dropBurst    int
	learned, classified     int
	scaleDocs               int
	ocrPages                int
}

func sizesFor(quick bool) sizes {
	if quick {
		return sizes{
			importFiles: 300, importRuns: 2,
			streamSizes: []int64{1 << 10, 1 << 20, 8 << 20},
			ingestDocs:  40, ingestRuns: 1,
			searchDocs: []int{2_000}, queryRepeats: 5, listRepeats: 10,
			coldStarts: 3, idle: 3 * time.Second,
			dropFiles: 5, dropBurst: 50,
			learned: 1_000, classified: 200,
			scaleDocs: 40,
		}
	}
	return sizes{
		importFiles: 10_000, importRuns: 3,
		streamSizes: []int64{1 << 10, 1 << 20, 10 << 20, 50 << 20},
		ingestDocs:  500, ingestRuns: 3,
		searchDocs: []int{10_000, 100_000}, queryRepeats: 30, listRepeats: 50,
		coldStarts: 10, idle: 60 * time.Second,
		dropFiles: 50, dropBurst: 1_000,
		learned: 10_000, classified: 1_000,
		scaleDocs: 500, ocrPages: 20,
	}
}

// harness is the state of one run.
type harness struct {
	opt      Options
	size     sizes
	exe      string // docsift
	self     string // docsift-bench, for its children
	tmp      string
	log      io.Writer
	vocab    []string
	services services
	report   *Report
	// seeded holds the bulk-loaded libraries of the current profile, by
	// size, shared by search, list and start.
	seeded map[int]*seededLib
	// warm: the shared cache holds the compiled PDF engine (warmCache).
	warm bool
	// ocr holds the rendered page images (runOCR).
	ocr []corpus.Doc
}

// Run measures the selected scenarios on the selected profiles, prints
// the table to opt.Stdout, saves the JSON report and returns it. A
// scenario that fails is reported and the others still run; the error
// then says which failed.
func Run(ctx context.Context, opt Options) (*Report, error) {
	if opt.Getenv == nil {
		opt.Getenv = os.Getenv
	}
	if opt.Stdout == nil {
		opt.Stdout = io.Discard
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	if opt.Out == "" {
		opt.Out = "build/bench"
	}
	profiles, err := parseProfiles(opt.Profiles)
	if err != nil {
		return nil, err
	}
	selected, err := selectScenarios(opt.Only)
	if err != nil {
		return nil, err
	}
	size := sizesFor(opt.Quick)
	if len(opt.SearchDocs) > 0 {
		size.searchDocs = opt.SearchDocs
	}
	h := &harness{opt: opt, size: size, exe: opt.Exe, self: opt.Self, log: opt.Log, seeded: map[int]*seededLib{}}
	if h.exe, h.self, err = binaries(opt.Exe, opt.Self); err != nil {
		return nil, err
	}
	if h.tmp, err = os.MkdirTemp(opt.TempDir, "docsift-bench-"); err != nil {
		return nil, err
	}
	defer os.RemoveAll(h.tmp)

	var fromFile bool
	h.vocab, fromFile = corpus.Words()
	host, _ := os.Hostname()
	h.report = &Report{
		Started: time.Now(), Quick: opt.Quick, Profiles: profiles,
		Machine:    Machine{Host: host, Cores: runtime.NumCPU(), LoadBefore: loadAvg(), GoVersion: runtime.Version()},
		Vocabulary: fmt.Sprintf("%s (%d words)", corpus.WordsFile, len(h.vocab)),
	}
	if !fromFile {
		h.report.Vocabulary = fmt.Sprintf("generated (%s missing: install wamerican), %d words", corpus.WordsFile, len(h.vocab))
	}

	// The server profile's services are checked before anything runs:
	// under CI=true their absence fails the run at once.
	skipServer := ""
	if slices.Contains(profiles, profileServer) {
		svc, err := findServices(ctx, opt.Getenv)
		if err != nil {
			if opt.Getenv("CI") == "true" {
				return h.report, fmt.Errorf("%w under CI=true: %v (run scripts/services.sh start and eval \"$(scripts/services.sh env)\")", ErrServicesMissing, err)
			}
			skipServer = err.Error()
			h.logf("SKIPPING the server profile (service missing): %v — run `eval \"$(scripts/services.sh env)\"` to measure it", err)
		}
		h.services = svc
	}

	var failed []string
	for _, profile := range profiles {
		if profile == profileServer && skipServer != "" {
			for _, s := range selected {
				if slices.Contains(s.profiles, profileServer) {
					h.add(Figure{Scenario: s.name, Profile: profileServer, Measure: "all", Skipped: "service missing: " + skipServer})
				}
			}
			continue
		}
		for _, s := range selected {
			if !slices.Contains(s.profiles, profile) {
				continue
			}
			if ctx.Err() != nil {
				break
			}
			h.logf("%s/%s: %s", s.name, profile, s.summary)
			start := time.Now()
			if err := s.run(ctx, h, profile); err != nil {
				h.logf("%s/%s FAILED: %v", s.name, profile, err)
				h.add(Figure{Scenario: s.name, Profile: profile, Measure: "all", Skipped: "failed: " + firstLine(err.Error())})
				failed = append(failed, s.name+"/"+profile)
				continue
			}
			h.logf("%s/%s done in %s", s.name, profile, time.Since(start).Round(100*time.Millisecond))
		}
		h.dropSeeded()
	}

	h.report.Finished = time.Now()
	h.report.Machine.LoadAfter = loadAvg()
	h.report.Print(opt.Stdout)
	path, err := h.report.Save(opt.Out)
	if err != nil {
		return h.report, fmt.Errorf("save the report: %w", err)
	}
	fmt.Fprintf(opt.Stdout, "\nJSON: %s\n", path)
	if ctx.Err() != nil {
		return h.report, ctx.Err()
	}
	if len(failed) > 0 {
		return h.report, fmt.Errorf("scenarios failed: %s", strings.Join(failed, ", "))
	}
	return h.report, nil
}

func parseProfiles(in []string) ([]string, error) {
	if len(in) == 0 {
		return []string{profileLocal, profileServer}, nil
	}
	var out []string
	for _, p := range in {
		switch p {
		case profileLocal, profileServer:
			out = append(out, p)
		case "both":
			out = append(out, profileLocal, profileServer)
		default:
			return nil, fmt.Errorf("unknown profile %q: use local, server or both", p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func selectScenarios(only []string) ([]scenario, error) {
	all := scenarios()
	if len(only) == 0 {
		return all, nil
	}
	var out []scenario
	for _, s := range all {
		if slices.Contains(only, s.name) {
			out = append(out, s)
		}
	}
	for _, name := range only {
		if !slices.ContainsFunc(all, func(s scenario) bool { return s.name == name }) {
			var names []string
			for _, s := range all {
				names = append(names, s.name)
			}
			return nil, fmt.Errorf("unknown scenario %q: choose from %s", name, strings.Join(names, ", "))
		}
	}
	return out, nil
}

// add records a figure.
func (h *harness) add(f Figure) { h.report.Figures = append(h.report.Figures, f) }

// logf prints a progress line.
func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.log, "bench: "+format+"\n", args...)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
