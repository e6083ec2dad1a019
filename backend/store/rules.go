package store

import (
	"errors"
	"fmt"
	"strings"
)

// Rules every driver follows alike, beside the topic rules
// (topicrules.go) and the job queue's (JobOutcome.End, Claim.Check and
// Claim.GiveUpJob): drivers call them and keep to storage and dialect.

// CheckFolderMove is UpdateFolder's rule for a new parent: a folder cannot
// move into itself or one of its own subfolders (ErrConflict). It walks up
// from parent (nil: the top level) with parentOf, which gives a folder's
// parent (nil at the top, or for a folder that does not exist). A walk
// that meets a folder twice, on a damaged tree that already has a cycle,
// ends there.
func CheckFolderMove(id string, parent *string, parentOf func(id string) (*string, error)) error {
	seen := map[string]bool{}
	for p := parent; p != nil; {
		if *p == id {
			return fmt.Errorf("folder %q cannot move into itself or its own subfolder: %w", id, ErrConflict)
		}
		if seen[*p] {
			return nil
		}
		seen[*p] = true
		next, err := parentOf(*p)
		if err != nil {
			return err
		}
		p = next
	}
	return nil
}

// errBlankName is CheckName's refusal.
var errBlankName = errors.New("the name is empty")

// CheckName refuses an empty or blank topic, folder or view name. The library
// cleans names and says what is wrong in a person's words; this is the
// store's own guard, the same for every driver.
func CheckName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errBlankName
	}
	return nil
}

// NewStatus is the status a new document is stored with: the one given,
// StatusStored when none is; an unknown status is an error.
func NewStatus(s Status) (Status, error) {
	if s == "" {
		return StatusStored, nil
	}
	if !s.Valid() {
		return "", fmt.Errorf("unknown status %q", s)
	}
	return s, nil
}

// Check refuses a patch no driver can apply: an unknown status.
func (p DocumentPatch) Check() error {
	if p.Status != nil && !p.Status.Valid() {
		return fmt.Errorf("unknown status %q", *p.Status)
	}
	return nil
}
