package app

import (
	"context"
	"errors"
	"time"

	"github.com/docsift/docsift/backend/library"
)

// Health answers nil when the database and the object store answer
// (GET /api/ready; GET /api/health only says serve is alive).
func (a *App) Health() error {
	ctx, cancel := context.WithTimeout(a.ctx, 5*time.Second)
	defer cancel()
	if err := a.lib.Health(ctx); err != nil {
		a.log.Warn("health check failed", "err", err)
		return errors.New("The database or the object store is not answering.")
	}
	return nil
}

// About describes where things live, for the settings screen
// (GET /api/about). It holds nothing secret.
func (a *App) About() (library.About, error) { return a.opt.About, nil }

// GetSettings returns the settings with the API key masked (GET /api/settings).
func (a *App) GetSettings() (library.Settings, error) {
	s, err := a.lib.Settings(a.ctx)
	return s, a.fail("GetSettings", err)
}

// SaveSettings replaces every setting and returns the result, key masked;
// settings left out of p are refused with a sentence naming them, so
// nothing is zeroed by omission. Sending the masked key back keeps the
// stored key; "" removes it (PUT /api/settings).
func (a *App) SaveSettings(p library.SettingsPatch) (library.Settings, error) {
	saved, err := a.lib.ReplaceSettings(a.ctx, p)
	return saved, a.fail("SaveSettings", err)
}

// UpdateSettings changes only the settings p holds and returns the result,
// key masked (PATCH /api/settings).
func (a *App) UpdateSettings(p library.SettingsPatch) (library.Settings, error) {
	saved, err := a.lib.UpdateSettings(a.ctx, p)
	return saved, a.fail("UpdateSettings", err)
}

// TestConnection asks the AI provider whether it answers, with the saved
// settings and the changes in p (the form being edited; a masked key means
// the stored one), or the saved settings alone when p is nil
// (POST /api/settings/test).
func (a *App) TestConnection(p *library.SettingsPatch) error {
	return a.fail("TestConnection", a.lib.TestConnection(a.ctx, p))
}

// JobCounts reports the pipeline's queue (GET /api/jobs).
func (a *App) JobCounts() (library.JobCounts, error) {
	c, err := a.lib.JobCounts(a.ctx)
	return c, a.fail("JobCounts", err)
}

// WatchStatus reports each watched folder's state (GET /api/watch); the
// window also receives every change as a watch.status event.
func (a *App) WatchStatus() ([]library.FolderStatus, error) {
	if a.opt.WatchStatus == nil {
		return []library.FolderStatus{}, nil
	}
	st := a.opt.WatchStatus()
	if st == nil {
		st = []library.FolderStatus{}
	}
	return st, nil
}
