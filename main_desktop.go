//go:build production || dev

package main

import (
	"context"

	"github.com/docsift/docsift/app"
	"github.com/docsift/docsift/backend/cli"
)

// desktopFace is the desktop window. This file is compiled only with the
// Wails tags (`make desktop`: -tags production,webkit2_41), so the plain
// build links neither Wails nor GTK.
var desktopFace cli.DesktopFunc = func(ctx context.Context, d cli.Desktop) error {
	return app.Run(ctx, app.Options{
		Library:     d.Library,
		Bus:         d.Bus,
		About:       d.About,
		WatchStatus: d.WatchStatus,
		Logger:      d.Logger,
		Stderr:      d.Stderr,
		Smoke:       d.Smoke,
		Started:     d.Started,

		MaxUploadBytes: d.MaxUploadBytes,
		Open:           d.Open,
	}, app.WindowOptions{Frontend: d.Frontend, Files: d.Files})
}
