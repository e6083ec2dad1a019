package cli

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/docsift/docsift/backend/library"
)

type topicsOpts struct {
	description, color *string
}

func topicsCommand() command {
	return command{
		name:    "topics",
		args:    "[list | add NAME | rename OLD NEW | rm NAME]",
		summary: "List and manage topics.",
		flags: func(fs *flag.FlagSet) any {
			return &topicsOpts{
				description: fs.String("description", "", "add/rename: the topic's description"),
				color:       fs.String("color", "", "add/rename: the topic's color, #rrggbb"),
			}
		},
		run: runTopics,
	}
}

func runTopics(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*topicsOpts)
	sub := "list"
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	want := map[string]int{"list": 0, "add": 1, "rename": 2, "rm": 1}
	n, ok := want[sub]
	if !ok {
		fmt.Fprintf(r.env.Stderr, "docsift topics: unknown action %q: use list, add, rename or rm\n", sub)
		return ExitUsage
	}
	if len(args) != n {
		fmt.Fprintf(r.env.Stderr, "docsift topics %s: expected %d argument(s)\n", sub, n)
		return ExitUsage
	}
	switch sub {
	case "list":
		ts, err := r.lib.Topics(ctx)
		if err != nil {
			return r.fail(err)
		}
		tw := tabwriter.NewWriter(r.env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tDOCUMENTS\tCOLOR\tDESCRIPTION")
		for _, t := range ts {
			name := display(t.Name)
			if t.Shared {
				name += fmt.Sprintf(" (shared by %s, %s)", display(t.Owner), t.Permission)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", name, t.DocumentCount, t.Color, display(t.Description))
		}
		tw.Flush()
	case "add":
		t, err := r.lib.CreateTopic(ctx, library.TopicInput{Name: args[0], Description: *opts.description, Color: *opts.color})
		if err != nil {
			return r.fail(err)
		}
		fmt.Fprintf(r.env.Stdout, "topic %s (%s)\n", display(t.Name), t.Color)
	case "rename":
		t, err := r.lib.TopicByName(ctx, args[0])
		if err != nil {
			return r.fail(err)
		}
		p := library.TopicPatch{Name: &args[1]}
		if *opts.description != "" {
			p.Description = opts.description
		}
		if *opts.color != "" {
			p.Color = opts.color
		}
		t, err = r.lib.UpdateTopic(ctx, t.ID, p)
		if err != nil {
			return r.fail(err)
		}
		fmt.Fprintf(r.env.Stdout, "topic %s\n", display(t.Name))
	case "rm":
		t, err := r.lib.TopicByName(ctx, args[0])
		if err != nil {
			return r.fail(err)
		}
		if err := r.lib.DeleteTopic(ctx, t.ID); err != nil {
			return r.fail(err)
		}
		fmt.Fprintf(r.env.Stdout, "deleted topic %s\n", display(t.Name))
	}
	return ExitOK
}
