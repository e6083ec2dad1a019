package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"github.com/docsift/docsift/backend/maintenance"
)

type exportOpts struct {
	json     *bool
	user     *string
	allUsers *bool
}

func exportCommand() command {
	return command{
		name:    "export",
		args:    "DIR",
		summary: "Export every document under readable names (Topic/Name.pdf) with a JSON sidecar each and a manifest, into a new or empty folder.",
		flags: func(fs *flag.FlagSet) any {
			return &exportOpts{
				json:     fs.Bool("json", false, "print the report as JSON"),
				user:     fs.String("user", "", "export the documents of the user with this name (default: the local user)"),
				allUsers: fs.Bool("all-users", false, "export every user's documents, each user into a folder of their own, with an index of owners that import-export restores to them"),
			}
		},
		run: runExport,
	}
}

func runExport(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*exportOpts)
	if len(args) != 1 {
		fmt.Fprintln(r.env.Stderr, "docsift export: name exactly one folder to export into")
		return ExitUsage
	}
	if *opts.allUsers {
		if *opts.user != "" {
			fmt.Fprintln(r.env.Stderr, "docsift export: --user and --all-users do not go together")
			return ExitUsage
		}
		return runExportUsers(ctx, r, *opts.json, args[0])
	}
	lib, code := r.libFor(ctx, "export", *opts.user)
	if lib == nil {
		return code
	}
	progress, done := r.countLine("exported")
	rep, err := lib.Maintenance().Export(ctx, args[0], maintenance.ExportOptions{Progress: progress})
	done()
	if err != nil {
		return r.fail(err)
	}
	if *opts.json {
		enc := json.NewEncoder(r.env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		fmt.Fprintf(r.env.Stdout, "exported %d documents (%s), %d topics, %d folders, %d views to %s; failed %d\n",
			rep.Documents, humanSize(rep.Bytes), rep.Topics, rep.Folders, rep.Views, display(rep.Dir), len(rep.Failed))
		for _, f := range rep.Failed {
			fmt.Fprintf(r.env.Stdout, "  failed: %s %s: %s\n", f.ID, display(f.Filename), f.Error)
		}
	}
	if len(rep.Failed) > 0 {
		return ExitFailed
	}
	return ExitOK
}

type restoreOpts struct {
	merge *bool
	json  *bool
	user  *string
}

func importExportCommand() command {
	return command{
		name:    "import-export",
		args:    "DIR",
		summary: "Restore a folder written by docsift export into an empty library: same ids, topics, folders and dates.",
		flags: func(fs *flag.FlagSet) any {
			return &restoreOpts{
				merge: fs.Bool("merge", false, "restore into a library that is not empty (or finish an interrupted restore): topics are matched by id or name, documents already present are skipped, the same bytes under another id are duplicates"),
				json:  fs.Bool("json", false, "print the report as JSON"),
				user:  fs.String("user", "", "restore into the library of the user with this name (default: the local user); an export of every user goes back to each owner and takes no --user"),
			}
		},
		run: runImportExport,
	}
}

func runImportExport(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*restoreOpts)
	if len(args) != 1 {
		fmt.Fprintln(r.env.Stderr, "docsift import-export: name exactly one export folder")
		return ExitUsage
	}
	if maintenance.IsUsersExport(args[0]) {
		if *opts.user != "" {
			fmt.Fprintf(r.env.Stderr, "docsift import-export: %s is an export of every user, which goes back to each owner; leave out --user\n", display(args[0]))
			return ExitUsage
		}
		return runRestoreUsers(ctx, r, *opts.json, *opts.merge, args[0])
	}
	lib, code := r.libFor(ctx, "import-export", *opts.user)
	if lib == nil {
		return code
	}
	progress, done := r.countLine("restored")
	rep, err := lib.Maintenance().ImportExport(ctx, args[0], maintenance.RestoreOptions{Merge: *opts.merge, Progress: progress})
	done()
	if err != nil {
		return r.fail(err)
	}
	if *opts.json {
		enc := json.NewEncoder(r.env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		fmt.Fprintf(r.env.Stdout, "restored %d documents (%s), duplicates %d, already present %d, failed %d; created %d topics, %d folders, %d views\n",
			rep.Restored, humanSize(rep.Bytes), len(rep.Duplicates), rep.AlreadyPresent, len(rep.Failed), rep.Topics, rep.Folders, rep.Views)
		for _, d := range rep.Duplicates {
			fmt.Fprintf(r.env.Stdout, "  duplicate: %s %s has the same bytes as %s\n", d.ID, display(d.Filename), d.ExistingID)
		}
		for _, f := range rep.Failed {
			fmt.Fprintf(r.env.Stdout, "  failed: %s %s: %s\n", f.ID, display(f.Path), f.Error)
		}
		if rep.Queued > 0 {
			fmt.Fprintf(r.env.Stdout, "%d documents were still being processed when exported; they are queued (docsift worker or serve processes them)\n", rep.Queued)
		}
	}
	if len(rep.Failed) > 0 {
		return ExitFailed
	}
	return ExitOK
}

// countLine draws "verb 12/340 documents, 5.1 MiB" on a terminal (at most
// ten times a second) and nothing otherwise; done ends the line.
func (r *runner) countLine(verb string) (progress func(maintenance.ExportProgress), done func()) {
	var last time.Time
	shown := false
	progress = func(p maintenance.ExportProgress) {
		if !r.env.Terminal || (p.Done != p.Total && time.Since(last) < 100*time.Millisecond) {
			return
		}
		last = time.Now()
		fmt.Fprintf(r.env.Stderr, "\r%s %d/%d documents, %s   ", verb, p.Done, p.Total, humanSize(p.Bytes))
		shown = true
	}
	done = func() {
		if shown {
			fmt.Fprintln(r.env.Stderr)
		}
	}
	return progress, done
}
