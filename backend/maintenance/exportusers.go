package maintenance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/docsift/docsift/backend/internal/invalid"
	"github.com/docsift/docsift/backend/internal/naming"
	"github.com/docsift/docsift/backend/store"
)

// A whole-server export keeps every document with its owner: one folder
// per user, each an ordinary export (so one user's part restores alone
// too), and UsersIndexName at the top naming whose each folder is.

// UsersIndexName is the index file at the top of a whole-server export.
const UsersIndexName = "users.json"

// UsersExportFormat names the index's format.
const UsersExportFormat = "docsift-users-export"

// UsersIndex is the content of UsersIndexName.
type UsersIndex struct {
	Format     string           `json:"format"`
	Version    int              `json:"format_version"`
	ExportedAt time.Time        `json:"exported_at"`
	Users      []UsersIndexUser `json:"users"`
}

// UsersIndexUser is one user's part of a whole-server export.
type UsersIndexUser struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Dir is the folder of the user's export, relative to the index.
	Dir string `json:"dir"`
}

// UserExport is one user's part of ExportUsers' report.
type UserExport struct {
	User   string       `json:"user"`
	Report ExportReport `json:"report"`
}

// UserRestore is one user's part of RestoreUsers' report.
type UserRestore struct {
	User string `json:"user"`
	// Created: the user did not exist and was created (same id and name).
	Created bool          `json:"created"`
	Report  RestoreReport `json:"report"`
}

// IsUsersExport reports whether dir holds a whole-server export.
func IsUsersExport(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, UsersIndexName))
	return err == nil
}

// ExportUsers exports every user's library, each into its own folder
// under dir (which must be new or empty), and writes the index last: an
// export without one did not finish. d.User is not used.
func ExportUsers(ctx context.Context, d Deps, dir string, opt ExportOptions) ([]UserExport, error) {
	if err := prepareExportDir(dir); err != nil {
		return nil, err
	}
	users, err := d.Store.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: list users: %w", err)
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	idx := UsersIndex{Format: UsersExportFormat, Version: 1, ExportedAt: now().UTC(), Users: []UsersIndexUser{}}
	used := map[string]bool{}
	var out []UserExport
	for _, u := range users {
		sub := userFolder(u.Name, used)
		ud := d
		ud.User = u
		rep, err := New(ud).Export(ctx, filepath.Join(dir, sub), opt)
		out = append(out, UserExport{User: u.Name, Report: rep})
		if err != nil {
			return out, fmt.Errorf("export the documents of %s: %w", naming.Quote(u.Name), err)
		}
		idx.Users = append(idx.Users, UsersIndexUser{ID: u.ID, Name: u.Name, Dir: sub})
	}
	if err := writeJSONFile(filepath.Join(dir, UsersIndexName), idx); err != nil {
		return out, fmt.Errorf("export: %w", err)
	}
	return out, nil
}

// userFolder names a user's folder in a whole-server export: "user-" and
// the name with anything but letters, digits, '-' and '_' made '_', made
// unique (case-insensitively, for file systems that ignore case).
func userFolder(name string, used map[string]bool) string {
	safe := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, name)
	if len(safe) > 60 {
		safe = safe[:60]
	}
	base := "user-" + safe
	dir := base
	for i := 2; used[strings.ToLower(dir)]; i++ {
		dir = fmt.Sprintf("%s-%d", base, i)
	}
	used[strings.ToLower(dir)] = true
	return dir
}

// RestoreUsers restores a whole-server export: each user's part goes back
// to its owner, found by id, else by name (case-insensitively); an owner
// found by neither is created with the exported id and name. d.User is
// not used. It stops at the first user whose restore fails.
func RestoreUsers(ctx context.Context, d Deps, dir string, opt RestoreOptions) ([]UserRestore, error) {
	b, err := os.ReadFile(filepath.Join(dir, UsersIndexName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, invalid.Errorf("%s has no %s: it is not an export of every user", naming.Quote(dir), UsersIndexName)
	}
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	var idx UsersIndex
	if err := json.Unmarshal(b, &idx); err != nil || idx.Format != UsersExportFormat {
		return nil, invalid.Errorf("%s in %s is not the index of a Docsift export of every user", UsersIndexName, naming.Quote(dir))
	}
	if idx.Version > 1 {
		return nil, invalid.Errorf("the export in %s was written by a newer Docsift (users index version %d)", naming.Quote(dir), idx.Version)
	}
	var out []UserRestore
	for _, e := range idx.Users {
		if !filepath.IsLocal(e.Dir) || e.Dir != filepath.Base(e.Dir) {
			return out, invalid.Errorf("the export names a user folder %s outside it", naming.Quote(e.Dir))
		}
		u, created, err := ownerOf(ctx, d.Store, e)
		if err != nil {
			return out, err
		}
		ud := d
		ud.User = u
		rep, err := New(ud).ImportExport(ctx, filepath.Join(dir, e.Dir), opt)
		out = append(out, UserRestore{User: u.Name, Created: created, Report: rep})
		if err != nil {
			return out, fmt.Errorf("restore the documents of %s: %w", naming.Quote(u.Name), err)
		}
	}
	return out, nil
}

// ownerOf finds (or creates) the user an exported part belongs to.
func ownerOf(ctx context.Context, st store.Store, e UsersIndexUser) (store.User, bool, error) {
	if u, err := st.User(ctx, e.ID); err == nil {
		return u, false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, false, fmt.Errorf("restore: find user %s: %w", naming.Quote(e.Name), err)
	}
	if u, err := st.UserByName(ctx, e.Name); err == nil {
		return u, false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, false, fmt.Errorf("restore: find user %s: %w", naming.Quote(e.Name), err)
	}
	if strings.TrimSpace(e.Name) == "" {
		return store.User{}, false, invalid.Errorf("the export names a user with no name")
	}
	u := store.User{ID: e.ID, Name: e.Name}
	if err := st.CreateUser(ctx, &u); err != nil {
		return store.User{}, false, fmt.Errorf("restore: create user %s: %w", naming.Quote(e.Name), err)
	}
	return u, true, nil
}

// writeJSONFile writes v to path through a synced temporary file and a
// rename, so the file is whole or absent.
func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".users-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
