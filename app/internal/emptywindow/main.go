//go:build production || dev

// Command emptywindow is the baseline of the launch benchmark
// (scripts/bench-launch.sh): a Wails v2 window with the same options as
// Docsift's (GTK, WebKitGTK, the GPU policy) showing a page that does
// nothing, so that what Docsift itself adds to the window's memory is
// measured apart from what any Wails window costs. It prints
// "emptywindow: dom ready N ms after start" once the page loaded.
//
//	go build -tags production,webkit2_41,nodynamic -o build/bin/emptywindow ./app/internal/emptywindow
package main

import (
	"context"
	"fmt"
	"os"
	"testing/fstest"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

func main() {
	start := time.Now()
	page := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>empty</title><p>An empty Wails window.</p>")}}
	err := wails.Run(&options.App{
		Title:       "emptywindow",
		Width:       1200,
		Height:      800,
		AssetServer: &assetserver.Options{Assets: page},
		OnDomReady: func(context.Context) {
			fmt.Fprintf(os.Stderr, "emptywindow: dom ready %d ms after start\n", time.Since(start).Milliseconds())
		},
		LogLevel:           logger.ERROR,
		LogLevelProduction: logger.ERROR,
		Linux:              &linux.Options{ProgramName: "emptywindow", WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "emptywindow:", err)
		os.Exit(1)
	}
}
