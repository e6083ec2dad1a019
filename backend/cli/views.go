package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/docsift/docsift/backend/library"
)

type viewsOpts struct {
	sort *string
	json *bool
}

func viewsCommand() command {
	return command{
		name:    "views",
		args:    "[list | add NAME QUERY... | rm NAME]",
		summary: "List and manage saved views (named searches) with their counts.",
		flags: func(fs *flag.FlagSet) any {
			return &viewsOpts{
				sort: fs.String("sort", "best", "add: order of the hits: best (match), newest, oldest, name or size"),
				json: fs.Bool("json", false, "print JSON (list: an array of views; add: the view)"),
			}
		},
		run: runViews,
	}
}

func runViews(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*viewsOpts)
	sub := "list"
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "list":
		if len(args) != 0 {
			fmt.Fprintln(r.env.Stderr, "docsift views list: expected no arguments")
			return ExitUsage
		}
		vs, err := r.lib.Views(ctx)
		if err != nil {
			return r.fail(err)
		}
		if *opts.json {
			return r.printJSON(vs)
		}
		tw := tabwriter.NewWriter(r.env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tDOCUMENTS\tSORT\tQUERY")
		for _, v := range vs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", display(v.Name), viewCount(v), viewSort(v.Sort), display(v.Query))
		}
		tw.Flush()
	case "add":
		if len(args) < 2 {
			fmt.Fprintln(r.env.Stderr, "docsift views add: give a name and a query (docsift views add Invoices 'invoice -draft')")
			return ExitUsage
		}
		v, err := r.lib.CreateView(ctx, library.ViewInput{Name: args[0], Query: strings.Join(args[1:], " "), Sort: library.Sort(*opts.sort)})
		if err != nil {
			return r.fail(err)
		}
		if *opts.json {
			return r.printJSON(v)
		}
		fmt.Fprintf(r.env.Stdout, "view %s: %s (%s)\n", display(v.Name), display(v.Query), viewCount(v))
	case "rm":
		if len(args) != 1 {
			fmt.Fprintln(r.env.Stderr, "docsift views rm: give the name of one view")
			return ExitUsage
		}
		v, err := r.lib.ViewByName(ctx, args[0])
		if err != nil {
			return r.fail(err)
		}
		if err := r.lib.DeleteView(ctx, v.ID); err != nil {
			return r.fail(err)
		}
		fmt.Fprintf(r.env.Stdout, "deleted view %s\n", display(v.Name))
	default:
		fmt.Fprintf(r.env.Stderr, "docsift views: unknown action %q: use list, add or rm\n", sub)
		return ExitUsage
	}
	return ExitOK
}

// printJSON writes v indented to stdout.
func (r *runner) printJSON(v any) int {
	enc := json.NewEncoder(r.env.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return r.fail(err)
	}
	return ExitOK
}

// viewCount words a view's count: a number, "about N", or its problem.
func viewCount(v library.View) string {
	switch {
	case v.Count == nil:
		return "? " + v.Problem
	case v.CountIsEstimate:
		return fmt.Sprintf("about %d", *v.Count)
	}
	return fmt.Sprint(*v.Count)
}

// viewSort words a view's order.
func viewSort(s library.Sort) string {
	if s == "" {
		return "best"
	}
	return string(s)
}
