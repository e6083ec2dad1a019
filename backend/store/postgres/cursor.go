package postgres

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/docsift/docsift/backend/store"
)

// cursor is the position after the last row of a page: the sort it belongs
// to, that row's sort value and its id (the tie-breaker). It travels as
// base64url(JSON); callers treat it as opaque.
type cursor struct {
	Sort store.Sort `json:"o"`
	// Micros is created_at in microseconds since the Unix epoch (newest,
	// oldest): exact, because stored times are truncated to microseconds.
	Micros int64 `json:"t,omitempty"`
	// Key is filename_key (name); always valid UTF-8, so JSON keeps it exact.
	Key string `json:"k,omitempty"`
	// Size is size_bytes (size).
	Size int64  `json:"z,omitempty"`
	ID   string `json:"i"`
}

// badCursor is the error for a cursor this driver did not make.
func badCursor(why string) error {
	return fmt.Errorf("%w (%s)", store.ErrBadCursor, why)
}

func (c cursor) encode() string {
	b, err := json.Marshal(c)
	if err != nil {
		// A struct of strings and integers always marshals.
		panic(fmt.Sprintf("postgres: encode cursor: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses s, which must belong to the listing's sort order.
func decodeCursor(s string, sort store.Sort) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, badCursor("not base64url")
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil {
		return cursor{}, badCursor("not a Docsift cursor")
	}
	if c.Sort != sort {
		return cursor{}, badCursor(fmt.Sprintf("made for sort %q, not %q", c.Sort, sort))
	}
	id, ok := parseID(c.ID)
	if !ok {
		return cursor{}, badCursor("no document id")
	}
	c.ID = id
	return c, nil
}

// time returns the cursor's created_at.
func (c cursor) time() time.Time { return time.UnixMicro(c.Micros).UTC() }
