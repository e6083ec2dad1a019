package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// Figure is one measured line of the report.
type Figure struct {
	Scenario string `json:"scenario"`
	Profile  string `json:"profile"`
	Measure  string `json:"measure"`
	Unit     string `json:"unit"`
	Summary
	// Baseline is the physical limit measured in the same run, in the same
	// unit (raw copy+fsync, a raw index query), and Ratio compares the two
	// medians as the target states it (figure/baseline for rates,
	// baseline/figure… see each scenario).
	Baseline *Summary `json:"baseline,omitempty"`
	Ratio    float64  `json:"ratio,omitempty"`
	// CPUSeconds and PeakRSSMiB are the Docsift process's own (wait4
	// rusage of the child; summed CPU, largest peak where several
	// processes worked), over the runs this figure summarises.
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
	PeakRSSMiB float64 `json:"peak_rss_mib,omitempty"`
	// Target is the goal from BENCHMARKS.md, and Result "pass", "miss",
	// or "n/a" when the run's size is not the target's (quick mode).
	Target string `json:"target,omitempty"`
	Result string `json:"result,omitempty"`
	Note   string `json:"note,omitempty"`
	// Skipped says why the figure could not be measured.
	Skipped string `json:"skipped,omitempty"`
}

// goal is a target: a statistic of a figure compared with a bound, valid
// at one corpus size (0: any).
type goal struct {
	stat  string // median, p95, max, ratio
	le    bool   // true: at most bound; false: at least bound
	bound float64
	text  string // as BENCHMARKS.md says it
	docs  int    // the size (documents, files) the target is stated for
}

// check sets f.Target and f.Result; docs is the size the run used.
func (f *Figure) check(g goal, docs int) {
	f.Target = g.text
	if g.docs != 0 && docs != g.docs {
		f.Result = "n/a"
		f.Target += fmt.Sprintf(" (at %s)", count(g.docs))
		return
	}
	v := map[string]float64{"median": f.Median, "p95": f.P95, "max": f.Max, "ratio": f.Ratio}[g.stat]
	ok := v >= g.bound
	if g.le {
		ok = v <= g.bound
	}
	f.Result = "miss"
	if ok {
		f.Result = "pass"
	}
}

// withUsage records u (summed over the runs) on f.
func (f *Figure) withUsage(u Usage) {
	f.CPUSeconds = u.CPU.Seconds()
	f.PeakRSSMiB = float64(u.MaxRSS) / (1 << 20)
}

// Report is one run of the harness.
type Report struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Quick    bool      `json:"quick"`
	Profiles []string  `json:"profiles"`
	// Machine describes where it ran: cores and the load average before
	// and after (the reference machine is shared; figures under load are
	// pessimistic).
	Machine Machine `json:"machine"`
	// Vocabulary is where the corpus words came from.
	Vocabulary string   `json:"vocabulary"`
	Figures    []Figure `json:"figures"`
}

// Machine is the context the figures were measured in.
type Machine struct {
	Host       string `json:"host"`
	Cores      int    `json:"cores"`
	LoadBefore string `json:"load_before"`
	LoadAfter  string `json:"load_after"`
	GoVersion  string `json:"go_version"`
}

// loadAvg reads /proc/loadavg's three averages.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// Print writes the report as a table.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "\nDocsift bench %s — %s, %d cores, load %s → %s; words: %s\n\n",
		map[bool]string{true: "--quick", false: "(full)"}[r.Quick], r.Started.UTC().Format("2006-01-02 15:04 UTC"),
		r.Machine.Cores, r.Machine.LoadBefore, r.Machine.LoadAfter, r.Vocabulary)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tprofile\tmeasure\tn\tmedian\tp95\tmax\tunit\tbaseline\tratio\tCPU s\tpeak RSS\ttarget\tresult\t")
	for _, f := range r.Figures {
		if f.Skipped != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\t\t\t\t\t\t\t\t\t%s\tSKIPPED: %s\t\n", f.Scenario, f.Profile, f.Measure, f.Target, f.Skipped)
			continue
		}
		base, ratio := "", ""
		if f.Baseline != nil {
			base = num(f.Baseline.Median)
		}
		if f.Ratio != 0 {
			ratio = fmt.Sprintf("%.2f×", f.Ratio)
		}
		cpu, rss := "", ""
		if f.CPUSeconds > 0 {
			cpu = fmt.Sprintf("%.2f", f.CPUSeconds)
		}
		if f.PeakRSSMiB > 0 {
			rss = fmt.Sprintf("%.0f MiB", f.PeakRSSMiB)
		}
		result := f.Result
		if f.Note != "" {
			result = strings.TrimSpace(result + "  " + f.Note)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			f.Scenario, f.Profile, f.Measure, f.N, num(f.Median), num(f.P95), num(f.Max), f.Unit,
			base, ratio, cpu, rss, f.Target, result)
	}
	tw.Flush()
}

// num prints a figure with about three significant digits.
func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 100:
		return fmt.Sprintf("%.1f", v)
	case v >= 10:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

// count prints a document count as BENCHMARKS.md does ("100k").
func count(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// Save writes the report as JSON to dir/<timestamp>.json and
// dir/latest.json and returns the first path.
func (r *Report) Save(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	b = append(b, '\n')
	path := filepath.Join(dir, r.Started.UTC().Format("20060102T150405Z")+".json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", err
	}
	return path, os.WriteFile(filepath.Join(dir, "latest.json"), b, 0o644)
}
