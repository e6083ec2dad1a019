package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/docsift/docsift/backend/library"
)

type similarOpts struct {
	json *bool
}

func similarCommand() command {
	return command{
		name:    "similar",
		args:    "ID",
		summary: fmt.Sprintf("List the %d documents most like document ID by their words (\"more like this\").", library.SimilarLimit),
		flags: func(fs *flag.FlagSet) any {
			return &similarOpts{json: fs.Bool("json", false, "print a JSON array of documents, most similar first")}
		},
		run: runSimilar,
	}
}

// similarRow is what `similar --json` prints per document: the fields of
// `ls --json` plus the start of its text and its score.
type similarRow struct {
	lsRow
	Snippet string  `json:"snippet"`
	Score   float64 `json:"score"`
}

func runSimilar(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*similarOpts)
	if len(args) != 1 {
		fmt.Fprintln(r.env.Stderr, "docsift similar: give exactly one document id")
		return ExitUsage
	}
	res, err := r.lib.Similar(ctx, args[0])
	if err != nil {
		return r.fail(err)
	}
	hits := res.Hits
	if *opts.json {
		rows := make([]similarRow, 0, len(hits))
		for _, h := range hits {
			rows = append(rows, similarRow{lsRow: toRow(h.Document), Snippet: h.Snippet, Score: h.Rank})
		}
		enc := json.NewEncoder(r.env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			return r.fail(err)
		}
		return ExitOK
	}
	if len(hits) == 0 {
		fmt.Fprintln(r.env.Stdout, "no similar documents: this one shares no distinctive word with another")
		return ExitOK
	}
	fmt.Fprintf(r.env.Stdout, "%d similar documents, most similar first\n", len(hits))
	for _, h := range hits {
		fmt.Fprintf(r.env.Stdout, "\n%s  %s\n  %s\n", h.Document.ID, display(h.Document.Filename), markTerminal(h.Snippet, nil, r.env.Terminal))
	}
	return ExitOK
}
