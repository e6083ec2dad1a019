package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
)

type searchOpts struct {
	limit  *int
	offset *int
	byDate *bool
	json   *bool
}

func searchCommand() command {
	return command{
		name:       "search",
		args:       "QUERY...",
		summary:    `Search names, text and topics: words, "a phrase", pre*, -not, a OR b, (groups), name:, text:, topic:, folder:, type:, after:, before:, date:.`,
		help:       library.SearchHelp,
		queryWords: true,
		flags: func(fs *flag.FlagSet) any {
			return &searchOpts{
				limit:  fs.Int("limit", 20, fmt.Sprintf("hits to show (at most %d at a time; --offset for more)", library.MaxSearchLimit)),
				offset: fs.Int("offset", 0, "skip this many hits (the next page)"),
				byDate: fs.Bool("by-date", false, "newest first instead of best match first"),
				json:   fs.Bool("json", false, "print a JSON array of hits (notices go to stderr)"),
			}
		},
		run: runSearch,
	}
}

// searchRow is what `search --json` prints per hit: the document fields of
// `ls --json` plus the snippet.
type searchRow struct {
	lsRow
	Snippet    string              `json:"snippet"`
	Highlights []library.Highlight `json:"highlights"`
}

func runSearch(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*searchOpts)
	if len(args) == 0 {
		fmt.Fprintln(r.env.Stderr, "docsift search: give a query")
		return ExitUsage
	}
	res, err := r.lib.Search(ctx, strings.Join(args, " "), library.SearchOptions{
		Filter: library.Filter{Limit: *opts.limit, Offset: *opts.offset, Sort: store.SortNewest}, ByDate: *opts.byDate,
	})
	if err != nil {
		return r.fail(err)
	}
	// Notices (a topic that does not exist, a capped page) go to stderr,
	// so that --json output stays an array of hits.
	if res.CappedAt > 0 {
		fmt.Fprintf(r.env.Stderr, "docsift search: showing at most %d hits at a time; use --offset %d for the next ones, or narrow the search\n",
			res.CappedAt, *opts.offset+res.CappedAt)
	}
	if notice := searchNotice(res); notice != "" {
		fmt.Fprintf(r.env.Stderr, "docsift search: %s\n", notice)
	}
	if *opts.json {
		rows := make([]searchRow, 0, len(res.Hits))
		for _, h := range res.Hits {
			rows = append(rows, searchRow{lsRow: toRow(h.Document), Snippet: h.Snippet, Highlights: h.Highlights})
		}
		enc := json.NewEncoder(r.env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return r.fail(err)
		}
		return ExitOK
	}
	about := ""
	if res.TotalIsEstimate {
		about = "about "
	}
	fmt.Fprintf(r.env.Stdout, "%s%d matching documents\n", about, res.Total)
	for _, h := range res.Hits {
		fmt.Fprintf(r.env.Stdout, "\n%s  %s\n  %s\n", h.Document.ID, display(h.Document.Filename), markTerminal(h.Snippet, h.Highlights, r.env.Terminal))
	}
	return ExitOK
}

// parseQueryWords is parseInterleaved for a command whose arguments are
// a search: -draft and -type:pdf exclude, so an argument that starts with
// - but names none of fs's flags is a word of the query.
func parseQueryWords(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for len(args) > 0 {
		k := 0
		for ; k < len(args); k++ {
			a := args[k]
			if a == "--" {
				k = len(args)
				break
			}
			name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if len(a) > 1 && a[0] == '-' && fs.Lookup(name) == nil && !isHelp(a) {
				break
			}
		}
		words, err := parseInterleaved(fs, args[:k])
		if err != nil {
			return nil, err
		}
		positional = append(positional, words...)
		if k == len(args) {
			break
		}
		positional = append(positional, args[k])
		args = args[k+1:]
	}
	return positional, nil
}

// searchNotice is res.Notice without the sentence about capping, which
// the CLI says in its own words (with --offset).
func searchNotice(res library.SearchResult) string {
	if res.CappedAt == 0 {
		return res.Notice
	}
	_, rest, ok := strings.Cut(res.Notice, "next page.")
	if !ok {
		return res.Notice
	}
	return strings.TrimSpace(rest)
}

// markTerminal shows highlights in bold on a terminal and with [brackets]
// otherwise; the snippet's own control characters are escaped.
func markTerminal(s string, hs []library.Highlight, terminal bool) string {
	open, close := "[", "]"
	if terminal {
		open, close = "\x1b[1m", "\x1b[0m"
	}
	var b strings.Builder
	last := 0
	for _, h := range hs {
		if h.Start < last || h.End > len(s) {
			continue
		}
		b.WriteString(clean(s[last:h.Start]))
		b.WriteString(open + clean(s[h.Start:h.End]) + close)
		last = h.End
	}
	b.WriteString(clean(s[last:]))
	return b.String()
}

func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
