package maintenance

import (
	"context"
	"fmt"
	"time"

	"github.com/docsift/docsift/backend/blob"
)

// leftovers reports the leftovers of unfinished writes past the leftover
// age and, with Tidy, removes them. Younger ones may be writes in
// progress, here or in another process: they are only counted.
func (v *verifier) leftovers(ctx context.Context, _ []docRef) error {
	v.progress(VerifyProgress{Phase: "leftovers"}, true)
	cutoff := v.opt.Now()
	if v.opt.LeftoverAge > 0 {
		cutoff = cutoff.Add(-v.opt.LeftoverAge)
	}
	err := v.m.blobs.Leftovers(ctx, func(l blob.Leftover) error {
		if v.opt.LeftoverAge > 0 && !l.LastWrite.Before(cutoff) {
			v.rep.LeftoversRecent++
			return nil
		}
		v.rep.Leftovers++
		v.rep.LeftoverBytes += l.Size
		f := Finding{Kind: FindingLeftover, ObjectKey: l.Name,
			Detail: fmt.Sprintf("%d bytes left by a write that never finished (last written %s)", l.Size, l.LastWrite.UTC().Format(time.RFC3339))}
		if v.opt.Tidy {
			if err := v.m.blobs.RemoveLeftover(ctx, l); err != nil {
				f.Action = fmt.Sprintf("could not remove it: %v", err)
			} else {
				f.Action, f.Resolved = "removed", true
			}
		}
		v.add(f)
		return nil
	})
	if err != nil {
		return fmt.Errorf("look for leftovers of unfinished writes: %w", err)
	}
	return nil
}

// LeftoverSweep is what CleanLeftovers found and did.
type LeftoverSweep struct {
	// Removed and RemovedBytes count the leftovers removed.
	Removed      int   `json:"removed"`
	RemovedBytes int64 `json:"removed_bytes"`
	// Kept counts those written at or after the cutoff (writes that may
	// be in progress) and those that could not be removed.
	Kept int `json:"kept"`
}

// CleanLeftovers removes the leftovers of unfinished writes (temporary
// files, incomplete uploads) last written before cutoff — what serve and
// the desktop do when they start, with cutoff blob.DefaultLeftoverAge ago
// — and says what it did. A leftover that cannot be removed is kept and
// its error returned with the others, after the sweep.
func (m *Maintainer) CleanLeftovers(ctx context.Context, cutoff time.Time) (LeftoverSweep, error) {
	var sw LeftoverSweep
	var errs []error
	err := m.blobs.Leftovers(ctx, func(lo blob.Leftover) error {
		if !lo.LastWrite.Before(cutoff) {
			sw.Kept++
			return nil
		}
		if err := m.blobs.RemoveLeftover(ctx, lo); err != nil {
			sw.Kept++
			errs = append(errs, err)
			return nil
		}
		sw.Removed++
		sw.RemovedBytes += lo.Size
		return nil
	})
	if err != nil {
		return sw, fmt.Errorf("clean leftovers of unfinished writes: %w", err)
	}
	if len(errs) > 0 {
		return sw, fmt.Errorf("clean leftovers of unfinished writes: %d could not be removed: %w", len(errs), errs[0])
	}
	return sw, nil
}
