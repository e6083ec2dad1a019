package library

import (
	"context"

	"github.com/docsift/docsift/backend/maintenance"
)

// Maintenance returns the tools that keep this library whole and portable
// (verify and its background runner, export, restore), over the library's
// own stores, user, bus, logger and clock. It is cheap: the tools hold no
// state of their own, so each call may build them afresh.
func (l *Library) Maintenance() *maintenance.Maintainer {
	return maintenance.New(l.maintenanceDeps())
}

func (l *Library) maintenanceDeps() maintenance.Deps {
	return maintenance.Deps{
		Store: l.store, Blobs: l.blobs, User: l.user, DataDir: l.dataDir,
		Bus: l.bus, Logger: l.log, Now: l.now,
	}
}

// ExportUsers exports every user's library into its own folder under dir,
// with an index that names each folder's owner (maintenance.ExportUsers):
// an admin's whole-server export, which keeps owners.
func (l *Library) ExportUsers(ctx context.Context, dir string, opt maintenance.ExportOptions) ([]maintenance.UserExport, error) {
	return maintenance.ExportUsers(ctx, l.maintenanceDeps(), dir, opt)
}

// RestoreUsers restores an export ExportUsers wrote, each user's part to
// its owner (found by id or name, created when missing).
func (l *Library) RestoreUsers(ctx context.Context, dir string, opt maintenance.RestoreOptions) ([]maintenance.UserRestore, error) {
	return maintenance.RestoreUsers(ctx, l.maintenanceDeps(), dir, opt)
}
