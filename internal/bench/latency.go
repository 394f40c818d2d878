// Package bench is SGUL's load benchmark: it starts SGUL (and a plain PocketBase with a
// collection of the same shape as pagos, no hooks) on copies of a data set, drives both
// over HTTP on 127.0.0.1 with concurrent clients, and reports throughput, latency
// percentiles, job durations and the server's memory. Run it with `make bench` (see
// docs/benchmarks.md); it is not part of `make test`.
package bench

import (
	"slices"
	"sync"
	"time"
)

// Latencies collects request durations from concurrent clients. Percentiles are exact:
// every sample is kept (a few hundred thousand at most per scenario) and sorted once.
type Latencies struct {
	mu      sync.Mutex
	samples []time.Duration
	errors  int
	lastErr string
}

// Add records one request: its duration, and whether it failed (err != "").
func (l *Latencies) Add(d time.Duration, err string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != "" {
		l.errors++
		l.lastErr = err
		return
	}
	l.samples = append(l.samples, d)
}

// Summary is what a scenario measured.
type Summary struct {
	Requests   int
	Errors     int
	LastError  string
	Elapsed    time.Duration
	Throughput float64 // successful requests per second
	P50, P95   time.Duration
	P99, Max   time.Duration
}

// Summarize computes the summary of the samples taken during elapsed.
func (l *Latencies) Summarize(elapsed time.Duration) Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := Summary{Requests: len(l.samples), Errors: l.errors, LastError: l.lastErr, Elapsed: elapsed}
	if elapsed > 0 {
		s.Throughput = float64(len(l.samples)) / elapsed.Seconds()
	}
	if len(l.samples) == 0 {
		return s
	}
	sorted := slices.Clone(l.samples)
	slices.Sort(sorted)
	s.P50, s.P95, s.P99 = Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99)
	s.Max = sorted[len(sorted)-1]
	return s
}

// Percentile returns the p-th percentile (nearest rank) of sorted samples.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// merge adds the samples of o to l (several rounds of one scenario).
func (l *Latencies) merge(o *Latencies) {
	o.mu.Lock()
	defer o.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.samples = append(l.samples, o.samples...)
	l.errors += o.errors
	if o.lastErr != "" {
		l.lastErr = o.lastErr
	}
}
