package bench

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := Percentile(s, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("empty: want 0")
	}
	if got := Percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("one sample: %v", got)
	}
}

func TestRunCountsRequestsAndErrors(t *testing.T) {
	var n atomic.Int64
	sum := Run(context.Background(), Load{Clients: 4, Duration: 200 * time.Millisecond}, func(ctx context.Context, worker int) error {
		if n.Add(1)%10 == 0 {
			return errors.New("boom")
		}
		time.Sleep(time.Millisecond)
		return nil
	})
	if sum.Requests == 0 || sum.Errors == 0 || sum.LastError != "boom" {
		t.Fatalf("summary %+v", sum)
	}
	if sum.P50 < time.Millisecond || sum.P99 < sum.P50 || sum.Max < sum.P99 {
		t.Errorf("percentiles out of order: %+v", sum)
	}
	if int64(sum.Requests+sum.Errors) > n.Load() {
		t.Errorf("more results (%d) than calls (%d)", sum.Requests+sum.Errors, n.Load())
	}
}
