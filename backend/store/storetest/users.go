package storetest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

func userLookupTests() []subtest {
	return []subtest{
		{"Users/LookupsAndList", testUserLookups},
	}
}

// User, UserByName (ignoring case) and Users find the accounts.
func testUserLookups(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	bea := store.User{ID: uuid.NewString(), Name: "Bea"}
	if err := s.CreateUser(f.ctx, &bea); err != nil {
		t.Fatal(err)
	}
	if u, err := s.User(f.ctx, bea.ID); err != nil || u.Name != "Bea" || u.CreatedAt.IsZero() {
		t.Errorf("User(Bea) = %+v, %v", u, err)
	}
	for _, name := range []string{"Bea", "bea", "BEA"} {
		if u, err := s.UserByName(f.ctx, name); err != nil || u.ID != bea.ID {
			t.Errorf("UserByName(%q) = %+v, %v; want Bea", name, u, err)
		}
	}
	if u, err := s.UserByName(f.ctx, f.user.Name); err != nil || u.ID != f.user.ID {
		t.Errorf("UserByName(%q) = %+v, %v; want the default user", f.user.Name, u, err)
	}
	_, err := s.User(f.ctx, uuid.NewString())
	wantErr(t, "User of an unknown id", err, store.ErrNotFound)
	_, err = s.User(f.ctx, "not-a-uuid")
	wantErr(t, "User of a malformed id", err, store.ErrNotFound)
	_, err = s.UserByName(f.ctx, "nobody")
	wantErr(t, "UserByName of an unknown name", err, store.ErrNotFound)
	us, err := s.Users(f.ctx)
	if err != nil || len(us) != 2 {
		t.Fatalf("Users = %+v, %v; want the default user and Bea", us, err)
	}
	got := map[string]string{}
	for _, u := range us {
		got[u.ID] = u.Name
	}
	if got[f.user.ID] != f.user.Name || got[bea.ID] != "Bea" {
		t.Errorf("Users = %+v", us)
	}
}
