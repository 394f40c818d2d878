package bench

import (
	"context"
	"sync"
	"time"
)

// Load is how a scenario is driven: Clients closed-loop clients (each sends its next
// request when the previous one answered) for Duration, after Warmup (not measured).
type Load struct {
	Clients  int
	Duration time.Duration
	Warmup   time.Duration
}

// Op is one request of a scenario; worker is the client's index (0..Clients-1).
type Op func(ctx context.Context, worker int) error

// Run drives op with l and summarizes the measured part.
func Run(ctx context.Context, l Load, op Op) Summary {
	if l.Warmup > 0 {
		drive(ctx, l.Clients, l.Warmup, op, nil)
	}
	lat := &Latencies{}
	elapsed := drive(ctx, l.Clients, l.Duration, op, lat)
	return lat.Summarize(elapsed)
}

// drive runs op from clients goroutines until d has passed; it returns the wall time
// until the last request in flight answered.
func drive(ctx context.Context, clients int, d time.Duration, op Op, lat *Latencies) time.Duration {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := range max(clients, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
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
