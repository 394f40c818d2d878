package bench

import (
	"context"
	"sync"
	"time"
)

// Load is how a scenario is driven: Clients closed-loop clients (each sends its next
// request when the previous one answered) for Duration, after Warmup (not measured).
// With Pace, each client sends one request per Pace instead (people at a screen rather
// than a load generator): the next request waits for its slot, or goes at once if the
// previous answer came late.
type Load struct {
	Clients  int
	Duration time.Duration
	Warmup   time.Duration
	Pace     time.Duration
}

// Op is one request of a scenario; worker is the client's index (0..Clients-1).
type Op func(ctx context.Context, worker int) error

// Run drives op with l and summarizes the measured part.
func Run(ctx context.Context, l Load, op Op) Summary {
	if l.Warmup > 0 {
		drivePaced(ctx, l.Clients, l.Warmup, l.Pace, op, nil)
	}
	lat := &Latencies{}
	elapsed := drivePaced(ctx, l.Clients, l.Duration, l.Pace, op, lat)
	return lat.Summarize(elapsed)
}

// drive runs op from clients goroutines until d has passed; it returns the wall time
// until the last request in flight answered.
func drive(ctx context.Context, clients int, d time.Duration, op Op, lat *Latencies) time.Duration {
	return drivePaced(ctx, clients, d, 0, op, lat)
}

func drivePaced(ctx context.Context, clients int, d, pace time.Duration, op Op, lat *Latencies) time.Duration {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range max(clients, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := start.Add(pace * time.Duration(w) / time.Duration(max(clients, 1))) // spread the clients' phases
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if pace > 0 {
					if wait := time.Until(next); wait > 0 {
						time.Sleep(wait)
					}
					next = next.Add(pace)
					if !time.Now().Before(deadline) {
						return
					}
				}
				t0 := time.Now()
				err := op(ctx, w)
				if lat == nil {
					continue
				}
				msg := ""
				if err != nil {
					msg = err.Error()
				}
				lat.Add(time.Since(t0), msg)
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}
