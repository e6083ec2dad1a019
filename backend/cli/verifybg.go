package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/maintenance"
)

// Environment variables that change the background check's timing (tests
// set them; a person rarely needs to): Go durations such as "30s" or
// "12h". DOCSIFT_VERIFY_DELAY=off turns the background check off.
const (
	envVerifyDelay  = "DOCSIFT_VERIFY_DELAY"
	envVerifyPeriod = "DOCSIFT_VERIFY_PERIOD"
)

// startBackgroundVerify runs the library's scheduled check (see
// maintenance.BackgroundVerify.Run: leftovers removed at once, then a
// low-priority verification after a few minutes and daily) for serve and
// the desktop. The returned function stops it and waits until it has
// stopped; call it before the library closes.
func (r *runner) startBackgroundVerify(ctx context.Context, face string) (stop func()) {
	s, on, err := verifySchedule(r.env.Getenv)
	if err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift %s: background check not started: %v\n", face, err)
		return func() {}
	}
	if !on {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	bv := r.lib.Maintenance().NewBackgroundVerify()
	go func() {
		defer close(done)
		bv.Run(ctx, s)
	}()
	return func() {
		cancel()
		<-done
	}
}

// verifySchedule reads the schedule's timing from the environment (on:
// false when turned off).
func verifySchedule(getenv func(string) string) (s maintenance.Schedule, on bool, err error) {
	parse := func(name string) (time.Duration, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return 0, nil // the schedule's default
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("%s=%q is not a positive duration such as 10m or 24h", name, v)
		}
		return d, nil
	}
	if strings.EqualFold(strings.TrimSpace(getenv(envVerifyDelay)), "off") {
		return s, false, nil
	}
	if s.Delay, err = parse(envVerifyDelay); err != nil {
		return s, false, err
	}
	if s.Period, err = parse(envVerifyPeriod); err != nil {
		return s, false, err
	}
	return s, true, nil
}
