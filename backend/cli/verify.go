package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/maintenance"
)

type verifyOpts struct {
	repair *bool
	json   *bool
	grace  *time.Duration
	age    *time.Duration
	user   *string
}

func verifyCommand() command {
	return command{
		name:    "verify",
		args:    "",
		summary: "Check that every document's bytes are intact and nothing is orphaned, left over by a crash, unindexed or stuck (--repair fixes what it safely can).",
		flags: func(fs *flag.FlagSet) any {
			return &verifyOpts{
				repair: fs.Bool("repair", false, "remove orphan objects and leftovers of unfinished writes, rebuild index entries, re-queue stuck documents, mark documents whose bytes are missing as failed (never deletes a document)"),
				json:   fs.Bool("json", false, "print the report as JSON"),
				grace:  fs.Duration("grace", maintenance.DefaultOrphanGrace, "objects younger than this are never orphans (an import may be in progress); 0: no grace"),
				age:    fs.Duration("leftover-age", blob.DefaultLeftoverAge, "temporary files and incomplete uploads written to more recently than this may be writes in progress and are left alone; 0: none are"),
				user:   fs.String("user", "", "check the documents of the user with this name (default: the local user)"),
			}
		},
		run: runVerify,
	}
}

// kindLabels are the human names of the finding kinds, in report order.
var kindLabels = []struct {
	kind  maintenance.FindingKind
	label string
}{
	{maintenance.FindingMismatch, "bytes changed"},
	{maintenance.FindingMissingObject, "bytes missing"},
	{maintenance.FindingUnreadable, "bytes unreadable"},
	{maintenance.FindingOrphan, "orphan objects"},
	{maintenance.FindingLeftover, "leftovers"},
	{maintenance.FindingIndex, "search index"},
	{maintenance.FindingStuck, "stuck documents"},
}

func runVerify(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*verifyOpts)
	if len(args) > 0 {
		fmt.Fprintf(r.env.Stderr, "docsift verify: unexpected argument %q\n", args[0])
		return ExitUsage
	}
	opt := maintenance.VerifyOptions{Repair: *opts.repair, OrphanGrace: *opts.grace}
	switch {
	case *opts.grace < 0:
		fmt.Fprintln(r.env.Stderr, "docsift verify: --grace cannot be negative")
		return ExitUsage
	case *opts.grace == 0:
		opt.OrphanGrace = -1 // Verify's "none"
	}
	switch {
	case *opts.age < 0:
		fmt.Fprintln(r.env.Stderr, "docsift verify: --leftover-age cannot be negative")
		return ExitUsage
	case *opts.age == 0:
		opt.LeftoverAge = -1
	default:
		opt.LeftoverAge = *opts.age
	}
	shown := false
	if r.env.Terminal {
		opt.Progress = func(p maintenance.VerifyProgress) {
			switch p.Phase {
			case "objects":
				fmt.Fprintf(r.env.Stderr, "\rchecking bytes: %d/%d documents, %s, %d problems   ", p.Done, p.Total, humanSize(p.Bytes), p.Problems)
			case "orphans":
				fmt.Fprintf(r.env.Stderr, "\rlooking for orphans: %d objects, %d problems   ", p.Done, p.Problems)
			case "leftovers", "index", "jobs":
				fmt.Fprintf(r.env.Stderr, "\rchecking the %s…   ", map[string]string{"leftovers": "leftovers of unfinished writes", "index": "search index", "jobs": "job queue"}[p.Phase])
			default:
				return
			}
			shown = true
		}
	}
	lib, code := r.libFor(ctx, "verify", *opts.user)
	if lib == nil {
		return code
	}
	rep, err := lib.Maintenance().Verify(ctx, opt)
	if shown {
		fmt.Fprintln(r.env.Stderr)
	}
	if err != nil {
		return r.fail(err)
	}
	if *opts.json {
		enc := json.NewEncoder(r.env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return r.fail(err)
		}
	} else {
		printVerify(r, rep)
	}
	if !rep.Clean() {
		return ExitFailed
	}
	return ExitOK
}

// printVerify writes the report for a person: the counts, then one line
// per problem.
func printVerify(r *runner, rep maintenance.VerifyReport) {
	w := r.env.Stdout
	fmt.Fprintf(w, "checked %d documents (%s re-hashed), %d objects, %d search index entries in %s\n",
		rep.Documents, humanSize(rep.Bytes), rep.Objects, rep.IndexChecked, rep.FinishedAt.Sub(rep.StartedAt).Round(time.Millisecond))
	if rep.SkippedRecent > 0 {
		fmt.Fprintf(w, "%d objects written in the last few minutes were left alone (an import may be in progress)\n", rep.SkippedRecent)
	}
	if rep.Leftovers > 0 {
		fmt.Fprintf(w, "leftovers of writes that never finished: %d, holding %s\n", rep.Leftovers, humanSize(rep.LeftoverBytes))
	}
	if rep.LeftoversRecent > 0 {
		fmt.Fprintf(w, "%d recently written temporary files or uploads were left alone (a write may be in progress)\n", rep.LeftoversRecent)
	}
	counts := rep.Counts()
	resolved := len(rep.Findings) - rep.Remaining()
	for _, k := range kindLabels {
		fmt.Fprintf(w, "  %-18s %d\n", k.label, counts[k.kind])
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintln(w, "everything is in order")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nPROBLEM\tDOCUMENT\tNAME\tDETAIL\tREPAIR")
	for _, f := range rep.Findings {
		doc := f.DocumentID
		if doc == "" {
			doc = display(f.ObjectKey)
		}
		action := f.Action
		if action == "" {
			action = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Kind, doc, display(f.Filename), f.Detail, action)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d problems found, %d resolved, %d remain\n", len(rep.Findings), resolved, rep.Remaining())
	if !rep.Repair && rep.Remaining() > 0 {
		fmt.Fprintln(w, "run docsift verify --repair to fix what can be fixed safely; changed or missing bytes need a person (restore them from a backup or export, or delete the document)")
	}
}
