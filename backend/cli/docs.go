package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
)

func catCommand() command {
	return command{
		name:    "cat",
		args:    "ID",
		summary: "Write a document's original bytes to standard output.",
		run: func(ctx context.Context, r *runner, _ any, args []string) int {
			if len(args) != 1 {
				fmt.Fprintln(r.env.Stderr, "docsift cat: give exactly one document id")
				return ExitUsage
			}
			rc, _, err := r.lib.Open(ctx, args[0])
			if err != nil {
				return r.fail(err)
			}
			defer rc.Close()
			if _, err := io.Copy(r.env.Stdout, rc); err != nil {
				return r.fail(fmt.Errorf("write document: %w", err))
			}
			return ExitOK
		},
	}
}

func rmCommand() command {
	return command{
		name:    "rm",
		args:    "ID...",
		summary: "Delete documents (their rows and their bytes).",
		run: func(ctx context.Context, r *runner, _ any, args []string) int {
			if len(args) == 0 {
				fmt.Fprintln(r.env.Stderr, "docsift rm: give at least one document id")
				return ExitUsage
			}
			code := ExitOK
			for _, id := range args {
				if err := r.lib.Delete(ctx, id); err != nil {
					fmt.Fprintf(r.env.Stderr, "docsift rm: %v\n", err)
					code = ExitFailed
					continue
				}
				fmt.Fprintf(r.env.Stdout, "deleted %s\n", id)
			}
			return code
		},
	}
}

func tagCommand() command {
	return command{
		name:    "tag",
		args:    "ID [TOPIC...]",
		summary: "Set a document's topics (replacing them; none clears). New names create topics.",
		run: func(ctx context.Context, r *runner, _ any, args []string) int {
			if len(args) == 0 {
				fmt.Fprintln(r.env.Stderr, "docsift tag: give a document id and topic names")
				return ExitUsage
			}
			d, err := r.lib.SetTopics(ctx, args[0], args[1:])
			if err != nil {
				return r.fail(err)
			}
			names := make([]string, 0, len(d.Topics))
			for _, t := range d.Topics {
				names = append(names, t.Name)
			}
			fmt.Fprintf(r.env.Stdout, "%s: %s\n", display(d.Filename), strings.Join(names, ", "))
			return ExitOK
		},
	}
}

func configCommand() command {
	return command{
		name:      "config",
		summary:   "Show the effective configuration (secrets masked).",
		noLibrary: true,
		run: func(ctx context.Context, r *runner, _ any, args []string) int {
			fmt.Fprint(r.env.Stdout, r.cfg.Redacted())
			if err := r.cfg.Validate(); err != nil {
				fmt.Fprintf(r.env.Stderr, "\nproblems:\n%v\n", err)
				return ExitUsage
			}
			return ExitOK
		},
	}
}

func versionCommand() command {
	return command{
		name:      "version",
		summary:   "Print the version.",
		noLibrary: true,
		run: func(ctx context.Context, r *runner, _ any, args []string) int {
			fmt.Fprintf(r.env.Stdout, "docsift %s\n", Version)
			return ExitOK
		},
	}
}
