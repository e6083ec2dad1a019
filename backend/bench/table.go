package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// The markers around the block of BENCHMARKS.md that `docsift-bench
// table --write` regenerates. Everything outside them is written by hand.
const (
	TableBegin = "<!-- current:begin -->"
	TableEnd   = "<!-- current:end -->"
)

// ReadReport reads a report that Save wrote.
func ReadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read the report %s: %w", path, err)
	}
	return &r, nil
}

// tableRow is one figure of the current tables and the run it came from.
type tableRow struct {
	Figure
	run *Report
}

// Tables renders reports as markdown: for each profile, one table of
// every figure (target, median and p95, baseline and ratio, the run's
// date, the result, the note), preceded by the runs it shows and the
// machine each ran on.
//
// Several reports merge, so that a run of one profile or of a few
// scenarios (--profile, --only) updates only what it measured: per
// profile and scenario, the rows of the newest report that measured the
// scenario are shown. A scenario a newer report only skipped (services
// missing, not in --quick) keeps the older report's figures, whose run
// date says how old they are. Quick and full reports do not mix: quick
// figures are taken at other sizes and are not comparable.
func Tables(reports []*Report) (string, error) {
	if len(reports) == 0 {
		return "", errors.New("no report to render")
	}
	runs := slices.Clone(reports)
	slices.SortStableFunc(runs, byStart)
	for _, r := range runs[1:] {
		if r.Quick != runs[0].Quick {
			return "", errors.New("the reports mix --quick and full runs, whose figures are not comparable: render them apart")
		}
	}
	var b strings.Builder
	for i, t := range merge(runs) {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "### %s profile\n\n", t.profile)
		for _, r := range t.runs {
			fmt.Fprintf(&b, "%s\n", runLine(r))
		}
		b.WriteString("\n| scenario | measure | target | median / p95 | baseline | ratio | run | result | note |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
		for _, row := range t.rows {
			b.WriteString(row.markdown())
		}
	}
	return b.String(), nil
}

// profileTable is one profile's rows, its scenarios in the order they
// first appeared, and the runs the rows come from, oldest first.
type profileTable struct {
	profile string
	rows    []tableRow
	runs    []*Report
}

// merge keeps, per profile and scenario, the rows of the newest run that
// measured the scenario, or the newest run's skip if none did; runs are
// oldest first.
func merge(runs []*Report) []profileTable {
	type key struct{ profile, scenario string }
	var keys []key // in the order they first appear
	rows := map[key][]tableRow{}
	for _, r := range runs {
		mine := map[key][]tableRow{}
		var order []key
		for _, f := range r.Figures {
			k := key{f.Profile, f.Scenario}
			if _, ok := mine[k]; !ok {
				order = append(order, k)
			}
			mine[k] = append(mine[k], tableRow{Figure: f, run: r})
		}
		for _, k := range order {
			old, seen := rows[k]
			if !seen {
				keys = append(keys, k)
			}
			if seen && measured(old) && !measured(mine[k]) {
				continue
			}
			rows[k] = mine[k]
		}
	}

	var tables []profileTable
	index := map[string]int{}
	for _, k := range keys {
		i, ok := index[k.profile]
		if !ok {
			i = len(tables)
			index[k.profile] = i
			tables = append(tables, profileTable{profile: k.profile})
		}
		t := &tables[i]
		for _, row := range rows[k] {
			t.rows = append(t.rows, row)
			if !slices.Contains(t.runs, row.run) {
				t.runs = append(t.runs, row.run)
			}
		}
	}
	for _, t := range tables {
		slices.SortStableFunc(t.runs, byStart)
	}
	return tables
}

// byStart orders reports by when they started.
func byStart(a, b *Report) int { return a.Started.Compare(b.Started) }

// measured reports whether any of rows holds a figure, not a skip.
func measured(rows []tableRow) bool {
	return slices.ContainsFunc(rows, func(r tableRow) bool { return r.Skipped == "" })
}

// runDate is how a row names its run.
func runDate(r *Report) string { return r.Started.UTC().Format("2006-01-02 15:04") }

// runLine says where and how a run was measured: the figures mean little
// without the machine and its load.
func runLine(r *Report) string {
	mode := "full run"
	if r.Quick {
		mode = "`--quick` run (small corpora, few repeats: figures not comparable, targets n/a)"
	}
	return fmt.Sprintf("- %s UTC: %s on %s, %d cores, load %s → %s, %s.",
		runDate(r), mode, r.Machine.Host, r.Machine.Cores, r.Machine.LoadBefore, r.Machine.LoadAfter, r.Machine.GoVersion)
}

// markdown is the row's table line.
func (row tableRow) markdown() string {
	f := row.Figure
	cells := []string{f.Scenario, f.Measure, dash(f.Target), "–", "–", "–", runDate(row.run), "", f.Note}
	if f.Skipped != "" {
		cells[7] = "skipped: " + f.Skipped
	} else {
		cells[3] = withUnit(f.Median, f.Unit)
		if f.N > 1 && f.P95 != f.Median {
			cells[3] = num(f.Median) + " / " + withUnit(f.P95, f.Unit)
		}
		if f.Baseline != nil {
			cells[4] = withUnit(f.Baseline.Median, f.Unit)
		}
		if f.Ratio != 0 {
			cells[5] = fmt.Sprintf("%.2f×", f.Ratio)
		}
		switch f.Result {
		case "miss":
			cells[7] = "**miss**"
		case "":
			cells[7] = "–"
		default:
			cells[7] = f.Result
		}
	}
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(c, "|", `\|`)
	}
	return "| " + strings.Join(cells, " | ") + " |\n"
}

// withUnit prints a figure and its unit ("12.3 ms", "0.95×").
func withUnit(v float64, unit string) string {
	switch unit {
	case "":
		return num(v)
	case "×":
		return num(v) + "×"
	}
	return num(v) + " " + unit
}

// dash is s, or a dash for an empty cell.
func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// ReplaceBlock returns doc with the text between TableBegin and TableEnd
// replaced by block; the markers and everything outside them stay as they
// are. Each marker must be on a line of its own, once, in that order.
func ReplaceBlock(doc, block string) (string, error) {
	begin, err := markerLine(doc, TableBegin)
	if err != nil {
		return "", err
	}
	end, err := markerLine(doc, TableEnd)
	if err != nil {
		return "", err
	}
	if end < begin {
		return "", fmt.Errorf("%s comes before %s", TableEnd, TableBegin)
	}
	// The end marker's line follows, so the begin marker's ends in a newline.
	from := begin + len(TableBegin) + 1
	if !strings.HasSuffix(block, "\n") {
		block += "\n"
	}
	return doc[:from] + "\n" + block + "\n" + doc[end:], nil
}

// markerLine returns where the line that holds only marker starts; the
// marker must be there exactly once.
func markerLine(doc, marker string) (int, error) {
	at := -1
	for i := 0; i < len(doc); {
		line, _, _ := strings.Cut(doc[i:], "\n")
		if line == marker {
			if at >= 0 {
				return 0, fmt.Errorf("%s is there twice", marker)
			}
			at = i
		}
		i += len(line) + 1
	}
	if at < 0 {
		return 0, fmt.Errorf("no line %s", marker)
	}
	return at, nil
}
