package bench

import (
	"context"
	"fmt"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/postgres"
	"github.com/docsift/docsift/backend/store/sqlite"
)

// openStore opens the target's metadata store with its profile's driver
// (the harness seeds through it; the product chooses its driver in its
// own wiring, which the bench does not link).
func (t *target) openStore(ctx context.Context) (store.Store, error) {
	if t.profile == profileServer {
		s, err := postgres.Open(ctx, t.dsn)
		if err != nil {
			return nil, fmt.Errorf("open the server profile's database: %w", err)
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, t.cfg.SQLitePath())
	if err != nil {
		return nil, fmt.Errorf("open the local profile's database: %w", err)
	}
	return s, nil
}
