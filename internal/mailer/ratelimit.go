package mailer

import (
	"context"
	"sync"
	"time"
)

// limiter is a token bucket of capacity one: one send every interval, with
// no burst after idle periods, so a provider's per-minute quota is never
// exceeded in any window.
type limiter struct {
	interval time.Duration

	mu   sync.Mutex
	next time.Time
}

// newLimiter allows perMinute sends per minute; perMinute <= 0 means no limit.
func newLimiter(perMinute int) *limiter {
	if perMinute <= 0 {
		return &limiter{}
	}
	return &limiter{interval: time.Minute / time.Duration(perMinute)}
}

// wait blocks until the next send is allowed or ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	if l.interval <= 0 {
		return ctx.Err()
	}
	l.mu.Lock()
	now := time.Now()
	if l.next.Before(now) {
		l.next = now
	}
	at := l.next
	l.next = at.Add(l.interval)
	l.mu.Unlock()

	d := time.Until(at)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
