package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/docsift/docsift/backend/bench"
)

type benchOpts struct {
	fs    *flag.FlagSet
	quick *bool
	out   *string
	only  *string
}

func benchCommand() command {
	var names []string
	for _, s := range bench.Scenarios() {
		names = append(names, s[0])
	}
	return command{
		name:    "bench",
		args:    "[--quick] [--out DIR] [--profile local|server|both (default both)] [--only SCENARIO,...]",
		summary: "Measure every performance target against its baseline and print the figures (BENCHMARKS.md).",
		flags: func(fs *flag.FlagSet) any {
			return &benchOpts{
				fs:    fs,
				quick: fs.Bool("quick", false, "small corpus and few repeats (a minute or two): checks the harness, figures are not comparable"),
				out:   fs.String("out", "build/bench", "folder for the JSON report (<timestamp>.json and latest.json)"),
				only:  fs.String("only", "", "comma-separated scenarios to run: "+strings.Join(names, ",")+" (default: all)"),
			}
		},
		run:       runBench,
		noLibrary: true,
	}
}

// runBench runs the harness, or, as `docsift bench child KIND …`, one of
// its measured child processes (not listed in the help: the harness
// starts them itself).
func runBench(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*benchOpts)
	if len(args) > 0 && args[0] == "child" {
		if err := bench.RunChild(ctx, r.cfg, args[1:], r.env.Stdout); err != nil {
			return r.fail(err)
		}
		return ExitOK
	}
	if len(args) > 0 {
		fmt.Fprintln(r.env.Stderr, "docsift bench: takes no arguments")
		return ExitUsage
	}
	// --profile is the shared config flag; here it may also say "both"
	// which is the default (a DOCSIFT_PROFILE in the environment does not
	// narrow a benchmark run).
	profile := "both"
	opts.fs.Visit(func(f *flag.Flag) {
		if f.Name == "profile" {
			profile = f.Value.String()
		}
	})
	var only []string
	for _, s := range strings.Split(*opts.only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			only = append(only, s)
		}
	}
	_, err := bench.Run(ctx, bench.Options{
		Quick:    *opts.quick,
		Out:      *opts.out,
		Profiles: []string{profile},
		Only:     only,
		Stdout:   r.env.Stdout,
		Log:      r.env.Stderr,
		Getenv:   r.env.Getenv,
	})
	if err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift bench: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}
