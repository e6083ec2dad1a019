package sqlite

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/docsift/docsift/backend/store"
)

// cursor is the position after the last row of a page: the sort it belongs
// to, that row's sort value and its id. On the wire it is base64url (no
// padding) of JSON, e.g. {"sort":"newest","n":1709294400000000,"id":"…"}:
// N carries created_at in Unix microseconds (newest, oldest) or size_bytes
// (size); S carries the FoldKey of the filename (name).
type cursor struct {
	Sort store.Sort `json:"sort"`
	N    *int64     `json:"n,omitempty"`
	S    *string    `json:"s,omitempty"`
	ID   string     `json:"id"`
}

// encode returns the opaque form of c.
func (c cursor) encode() string {
	b, _ := json.Marshal(c) // plain fields always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses s and checks that it belongs to sort.
func decodeCursor(s string, sort store.Sort) (cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, fmt.Errorf("%w (not base64url)", store.ErrBadCursor)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var c cursor
	if err := dec.Decode(&c); err != nil || dec.More() {
		return cursor{}, fmt.Errorf("%w (not a cursor)", store.ErrBadCursor)
	}
	if c.Sort != sort {
		return cursor{}, fmt.Errorf("%w (it belongs to sort %q, not %q)", store.ErrBadCursor, c.Sort, sort)
	}
	wantText := sort == store.SortName
	if c.ID == "" || (c.S != nil) != wantText || (c.N != nil) == wantText {
		return cursor{}, fmt.Errorf("%w (incomplete)", store.ErrBadCursor)
	}
	return c, nil
}
