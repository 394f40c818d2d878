package jobs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// ErrRunning is returned by Start when the queue is already running or still draining.
var ErrRunning = errors.New("jobs: la cola ya está en marcha")

// Config tunes a Queue. Its zero value is usable: every zero field takes the default
// shown next to it.
type Config struct {
	Workers            int           // worker goroutines (2); negative disables the queue: Start does nothing
	Lease              time.Duration // how long a claim is valid; running jobs renew it every Lease/3 (2m)
	PollInterval       time.Duration // how often idle workers look for due jobs (1s)
	BaseBackoff        time.Duration // cap of the first retry delay (5s)
	MaxBackoff         time.Duration // cap of any retry delay (30m)
	DefaultMaxAttempts int           // attempts for jobs enqueued without WithMaxAttempts (8)
	DrainTimeout       time.Duration // how long Stop waits for in-flight jobs before cancelling them (20s)
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Workers == 0 {
		c.Workers = 2
	}
	def(&c.Lease, 2*time.Minute)
	def(&c.PollInterval, time.Second)
	def(&c.BaseBackoff, 5*time.Second)
	def(&c.MaxBackoff, 30*time.Minute)
	def(&c.DrainTimeout, 20*time.Second)
	if c.MaxBackoff < c.BaseBackoff {
		c.MaxBackoff = c.BaseBackoff
	}
	if c.DefaultMaxAttempts <= 0 {
		c.DefaultMaxAttempts = 8
	}
	return c
}

// Queue runs the handlers of claimed jobs on a fixed pool of worker goroutines.
// Build it with New, Register handlers, then Start and Stop it (Bind does both on
// serve and terminate).
type Queue struct {
	app core.App
	cfg Config
	id  string // distinguishes this queue's claims in the worker column

	handlersMu sync.RWMutex
	handlers   map[string]Handler

	wake chan struct{}
	seq  atomic.Uint64 // claim counter, part of each claim's fencing token

	mu  sync.Mutex
	cur *run // the current (or draining) run; nil when stopped

	// jitter picks the actual retry delay below a cap; tests replace it.
	jitter func(limit time.Duration) time.Duration
}

// run is one Start..Stop lifetime of the workers.
type run struct {
	ctx      context.Context // cancelled on hard stop: in-flight jobs see it
	cancel   context.CancelFunc
	stop     chan struct{} // closed by Stop: no new claims
	stopOnce sync.Once
	wg       sync.WaitGroup
	done     chan struct{} // closed when every worker has returned
}

// New returns a stopped queue that works on app (the non-transactional app).
func New(app core.App, cfg Config) *Queue {
	return &Queue{
		app:      app,
		cfg:      cfg.withDefaults(),
		id:       security.RandomString(6),
		handlers: map[string]Handler{},
		wake:     make(chan struct{}, 1),
		jitter:   fullJitter,
	}
}

// Register sets the handler for jobs of type tipo. It panics on an empty tipo,
// a nil handler or a tipo registered twice, like http.ServeMux does.
func (q *Queue) Register(tipo string, h Handler) {
	if tipo == "" || h == nil {
		panic("jobs: Register necesita tipo y handler")
	}
	q.handlersMu.Lock()
	defer q.handlersMu.Unlock()
	if _, dup := q.handlers[tipo]; dup {
		panic(fmt.Sprintf("jobs: handler duplicado para %q", tipo))
	}
	q.handlers[tipo] = h
}

func (q *Queue) handler(tipo string) Handler {
	q.handlersMu.RLock()
	defer q.handlersMu.RUnlock()
	return q.handlers[tipo]
}

// Wake nudges an idle worker to look for due jobs now instead of at its next poll.
// It never blocks.
func (q *Queue) Wake() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Start launches the workers. Cancelling ctx stops them hard (in-flight jobs see their
// ctx cancelled); use Stop for a graceful drain. It returns ErrRunning if the queue is
// running or still draining, and does nothing when Config.Workers is negative.
func (q *Queue) Start(ctx context.Context) error {
	if q.cfg.Workers < 0 {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cur != nil {
		select {
		case <-q.cur.done: // finished on its own (ctx cancelled): replace it
		default:
			return ErrRunning
		}
	}
	rctx, cancel := context.WithCancel(ctx)
	r := &run{ctx: rctx, cancel: cancel, stop: make(chan struct{}), done: make(chan struct{})}
	r.wg.Add(q.cfg.Workers)
	for i := range q.cfg.Workers {
		go q.work(r, i+1)
	}
	go func() {
		r.wg.Wait()
		cancel()
		close(r.done)
	}()
	q.cur = r
	return nil
}

// Stop stops claiming, waits up to Config.DrainTimeout for in-flight jobs, then cancels
// their ctx and waits for their handlers to return. Cancelled jobs are not marked: they
// run again once their lease expires. If ctx ends first, Stop returns its error and the
// handlers that ignore cancellation are left behind; a later Stop waits for them again.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	r := q.cur
	q.mu.Unlock()
	if r == nil {
		return nil
	}
	r.stopOnce.Do(func() { close(r.stop) })

	if r.ctx.Err() == nil {
		drain := time.NewTimer(q.cfg.DrainTimeout)
		defer drain.Stop()
		select {
		case <-r.done:
		case <-drain.C:
		case <-ctx.Done():
		}
	}
	select {
	case <-r.done:
	default:
		r.cancel()
		select {
		case <-r.done:
		case <-ctx.Done():
			return fmt.Errorf("jobs: detener la cola: hay handlers que no terminaron: %w", ctx.Err())
		}
	}

	q.mu.Lock()
	if q.cur == r {
		q.cur = nil
	}
	q.mu.Unlock()
	return nil
}

// running reports whether workers of the current run are still alive.
func (q *Queue) running() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cur == nil {
		return false
	}
	select {
	case <-q.cur.done:
		return false
	default:
		return true
	}
}
