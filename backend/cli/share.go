package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
)

type shareOpts struct {
	with  *string
	write *bool
	user  *string
	json  *bool
}

func shareFlags(fs *flag.FlagSet) any {
	return &shareOpts{
		with:  fs.String("with", "", "the name of the user to share with"),
		write: fs.Bool("write", false, "let them rename, re-topic, move and delete the shared documents too (default: read-only)"),
		user:  fs.String("user", "", "act as the user with this name (default: the local user)"),
		json:  fs.Bool("json", false, "ls: print the shares as JSON"),
	}
}

func shareCommand() command {
	return command{
		name:    "share",
		args:    "topic NAME --with USER [--write] | folder NAME --with USER [--write] | ls",
		summary: "Share a topic (its documents) or a folder (the documents in it and its subfolders) with another user, read-only or with --write; ls lists the shares given and received.",
		flags:   shareFlags,
		run:     runShare,
	}
}

func unshareCommand() command {
	return command{
		name:    "unshare",
		args:    "topic|folder NAME --with USER",
		summary: "End a share: the other user loses access to its documents at once.",
		flags:   shareFlags,
		run:     runUnshare,
	}
}

func runShare(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*shareOpts)
	lib, code := r.libFor(ctx, "share", *opts.user)
	if lib == nil {
		return code
	}
	if len(args) == 1 && args[0] == "ls" {
		ss, err := lib.Shares(ctx)
		if err != nil {
			return r.fail(err)
		}
		if *opts.json {
			enc := json.NewEncoder(r.env.Stdout)
			enc.SetIndent("", "  ")
			enc.Encode(ss)
			return ExitOK
		}
		tw := tabwriter.NewWriter(r.env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DIRECTION\tKIND\tNAME\tOWNER\tWITH\tPERMISSION")
		for _, s := range ss {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Direction, s.Kind, display(s.Target), display(s.Owner), display(s.With), s.Permission)
		}
		tw.Flush()
		return ExitOK
	}
	if len(args) != 2 || (args[0] != "topic" && args[0] != "folder") {
		fmt.Fprintln(r.env.Stderr, "docsift share: use share topic NAME --with USER, share folder NAME --with USER, or share ls")
		return ExitUsage
	}
	if *opts.with == "" {
		fmt.Fprintln(r.env.Stderr, "docsift share: name the user to share with: --with USER")
		return ExitUsage
	}
	share := lib.ShareTopic
	if args[0] == "folder" {
		share = lib.ShareFolder
	}
	s, err := share(ctx, args[1], *opts.with, *opts.write)
	if err != nil {
		return r.fail(err)
	}
	how := "read-only"
	if s.Permission == "write" {
		how = "read-write"
	}
	fmt.Fprintf(r.env.Stdout, "shared %s %s with %s, %s\n", s.Kind, display(s.Target), display(s.With), how)
	return ExitOK
}

func runUnshare(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*shareOpts)
	if len(args) != 2 || (args[0] != "topic" && args[0] != "folder") || *opts.with == "" {
		fmt.Fprintln(r.env.Stderr, "docsift unshare: use unshare topic|folder NAME --with USER")
		return ExitUsage
	}
	lib, code := r.libFor(ctx, "unshare", *opts.user)
	if lib == nil {
		return code
	}
	if err := lib.Unshare(ctx, args[0], args[1], *opts.with); err != nil {
		return r.fail(err)
	}
	fmt.Fprintf(r.env.Stdout, "%s %s is no longer shared with %s\n", args[0], display(args[1]), display(*opts.with))
	return ExitOK
}
