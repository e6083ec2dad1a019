package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/maintenance"
)

// libFor returns the library of the user called name, or the runner's
// (the local user's) when name is empty. On failure it has told the
// person why and returns nil and the exit code.
func (r *runner) libFor(ctx context.Context, cmd, name string) (*library.Library, int) {
	if name == "" {
		return r.lib, ExitOK
	}
	lib, err := r.lib.AsName(ctx, name)
	if errors.Is(err, library.ErrNotFound) {
		fmt.Fprintf(r.env.Stderr, "docsift %s: there is no user called %s\n", cmd, display(name))
		return nil, ExitUsage
	}
	if err != nil {
		return nil, r.fail(err)
	}
	return lib, ExitOK
}

// runExportUsers exports every user's documents (export --all-users).
func runExportUsers(ctx context.Context, r *runner, asJSON bool, dir string) int {
	progress, done := r.countLine("exported")
	reps, err := r.lib.ExportUsers(ctx, dir, maintenance.ExportOptions{Progress: progress})
	done()
	if err != nil {
		return r.fail(err)
	}
	failed := 0
	for _, u := range reps {
		failed += len(u.Report.Failed)
	}
	if asJSON {
		enc := json.NewEncoder(r.env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(reps)
	} else {
		for _, u := range reps {
			rep := u.Report
			fmt.Fprintf(r.env.Stdout, "%s: exported %d documents (%s), %d topics, %d folders, %d views to %s; failed %d\n",
				display(u.User), rep.Documents, humanSize(rep.Bytes), rep.Topics, rep.Folders, rep.Views, display(rep.Dir), len(rep.Failed))
			for _, f := range rep.Failed {
				fmt.Fprintf(r.env.Stdout, "  failed: %s %s: %s\n", f.ID, display(f.Filename), f.Error)
			}
		}
	}
	if failed > 0 {
		return ExitFailed
	}
	return ExitOK
}

// runRestoreUsers restores an export of every user, each part to its
// owner.
func runRestoreUsers(ctx context.Context, r *runner, asJSON, merge bool, dir string) int {
	progress, done := r.countLine("restored")
	reps, err := r.lib.RestoreUsers(ctx, dir, maintenance.RestoreOptions{Merge: merge, Progress: progress})
	done()
	if err != nil && len(reps) == 0 {
		return r.fail(err)
	}
	failed := 0
	for _, u := range reps {
		failed += len(u.Report.Failed)
	}
	if asJSON {
		enc := json.NewEncoder(r.env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(reps)
	} else {
		for _, u := range reps {
			rep := u.Report
			created := ""
			if u.Created {
				created = " (user created)"
			}
			fmt.Fprintf(r.env.Stdout, "%s%s: restored %d documents (%s), duplicates %d, already present %d, failed %d; created %d topics, %d folders, %d views\n",
				display(u.User), created, rep.Restored, humanSize(rep.Bytes), len(rep.Duplicates), rep.AlreadyPresent, len(rep.Failed), rep.Topics, rep.Folders, rep.Views)
			for _, f := range rep.Failed {
				fmt.Fprintf(r.env.Stdout, "  failed: %s %s: %s\n", f.ID, display(f.Path), f.Error)
			}
		}
	}
	if err != nil {
		return r.fail(err)
	}
	if failed > 0 {
		return ExitFailed
	}
	return ExitOK
}
