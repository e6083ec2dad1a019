// Command docsift is a local-first document manager. All of its behaviour
// lives in backend/; this file only hands the command line to the CLI.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/docsift/docsift/backend/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := cli.OSEnv()
	env.Desktop = desktopFace // nil unless built with the desktop tags
	env.HandOff = handOff
	code := cli.Main(ctx, os.Args[1:], env)
	stop()
	os.Exit(code)
}
