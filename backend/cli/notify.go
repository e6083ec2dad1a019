package cli

import (
	"context"
	"os"
	"os/exec"

	"github.com/docsift/docsift/backend/notify"
	"github.com/docsift/docsift/backend/watch"
)

// startNotifications shows a desktop notification for each batch of
// drop-folder files this process's watcher took, while the setting
// (desktop_notifications) is on; onClick opens the window on the batch.
// Without a session bus (DBUS_SESSION_BUS_ADDRESS: a server, a
// container) there are none, quietly. The returned function stops it.
func (r *runner) startNotifications(ctx context.Context, status func() []watch.FolderStatus, onClick func(notify.Batch)) func() {
	bus, addr := r.lib.Bus(), r.env.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if bus == nil || addr == "" {
		return func() {}
	}
	n, err := notify.Connect(addr, r.log)
	if err != nil {
		r.log.Info("no desktop notifications", "err", err)
		return func() {}
	}
	stop := notify.Watch(ctx, notify.WatchOptions{
		Bus:    bus,
		Sender: n,
		Enabled: func(ctx context.Context) bool {
			s, err := r.lib.Settings(ctx)
			return err == nil && s.DesktopNotifications
		},
		Pending: func() int {
			if status == nil {
				return 0
			}
			return totals(status()).Pending
		},
		OnClick: onClick,
		OnBatch: func(b notify.Batch, notified bool) {
			r.log.Info("drop-folder batch", "imported", b.Imported, "duplicates", b.Duplicates, "failed", b.Failed, "notified", notified)
		},
		Logger: r.log,
	})
	return func() {
		stop()
		n.Close()
	}
}

// openWindowOn starts `docsift desktop --show ROUTE` for this library: it
// opens the window on route, or hands route to the window already open
// (a click on a notification of `docsift watch`, which has no window).
func (r *runner) openWindowOn(route string) {
	bin := r.env.Executable
	if bin == "" {
		exe, err := os.Executable()
		if err != nil {
			r.log.Warn("cannot open the window: no binary", "err", err)
			return
		}
		bin = exe
	}
	cmd := exec.Command(bin, "desktop", "--data-dir", r.cfg.DataDir, "--show", route)
	if err := cmd.Start(); err != nil {
		r.log.Warn("cannot open the window", "err", err)
		return
	}
	go func() { _ = cmd.Wait() }()
}
