package postgres

import (
	"testing"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/storetest"
	"github.com/docsift/docsift/internal/testenv"
)

// TestConformance runs the shared store suite, each subtest against a
// fresh database.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openStore(t, testenv.Postgres(t))
	})
}
