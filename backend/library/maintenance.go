package library

import "github.com/docsift/docsift/backend/maintenance"

// Maintenance returns the tools that keep this library whole and portable
// (verify and its background runner, export, restore), over the library's
// own stores, user, bus, logger and clock. It is cheap: the tools hold no
// state of their own, so each call may build them afresh.
func (l *Library) Maintenance() *maintenance.Maintainer {
	return maintenance.New(maintenance.Deps{
		Store: l.store, Blobs: l.blobs, User: l.user, DataDir: l.dataDir,
		Bus: l.bus, Logger: l.log, Now: l.now,
	})
}
