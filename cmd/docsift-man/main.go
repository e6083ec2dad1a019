// Command docsift-man writes the docsift(1) manual page, generated from
// the CLI's command table (cli.WriteManPage), for `make package`. It is a
// tool of the build, not part of the docsift binary.
//
//	docsift-man --version 0.1.0 --date 2026-12-08 > docsift.1
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/docsift/docsift/backend/cli"
)

func main() {
	version := flag.String("version", "", "the version the page documents (required)")
	date := flag.String("date", "", "the page's date, YYYY-MM-DD (required: the release's date, so a build is reproducible)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "docsift-man: takes no arguments; the page goes to standard output")
		os.Exit(2)
	}
	if *version == "" || *date == "" {
		fmt.Fprintln(os.Stderr, "docsift-man: give --version and --date")
		os.Exit(2)
	}
	if _, err := time.Parse(time.DateOnly, *date); err != nil {
		fmt.Fprintf(os.Stderr, "docsift-man: --date %q is not a date like 2026-12-08\n", *date)
		os.Exit(2)
	}
	if err := cli.WriteManPage(os.Stdout, cli.ManPage{Version: *version, Date: *date}); err != nil {
		fmt.Fprintf(os.Stderr, "docsift-man: %v\n", err)
		os.Exit(1)
	}
}
