package simulation

import (
	"context"
	"time"
)

// clock is the wall clock as the real driver uses it. Tests put a fake
// one in, to fire timers and end waits when they choose, so that what
// they check does not hang on how a busy machine schedules goroutines.
type clock interface {
	now() time.Time
	// afterFunc calls f on a goroutine of its own after d; stop cancels
	// it and reports whether it did, as time.Timer.Stop does: f may
	// already be running.
	afterFunc(d time.Duration, f func()) (stop func() bool)
	// sleep waits d, or until ctx ends; it reports whether d passed.
	sleep(ctx context.Context, d time.Duration) bool
}

// wallClock is the clock of a running node.
type wallClock struct{}

func (wallClock) now() time.Time { return time.Now() }

func (wallClock) afterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

func (wallClock) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
