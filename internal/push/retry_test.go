package push

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for h, want := range map[string]time.Duration{
		"":       0,
		"1":      time.Second,
		" 30 ":   30 * time.Second,
		"0":      0,
		"-5":     0,
		"mañana": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0,
	} {
		if got := parseRetryAfter(h, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestRetryDelayIsCappedAndBounded(t *testing.T) {
	p := newRetryPolicy(0, 4*time.Second)
	if p.maxRetries != defaultMaxRetries {
		t.Fatalf("maxRetries = %d", p.maxRetries)
	}
	for attempt := range 3 {
		d, ok := p.delay(attempt, 0)
		if !ok || d < 0 || d > 4*time.Second {
			t.Errorf("attempt %d: delay %v ok %v", attempt, d, ok)
		}
	}
	if _, ok := p.delay(3, 0); ok {
		t.Error("retry allowed beyond maxRetries")
	}
	if d, ok := p.delay(0, 2*time.Second); !ok || d != 2*time.Second {
		t.Errorf("Retry-After not honoured exactly: %v %v", d, ok)
	}
	if _, ok := newRetryPolicy(-1, 0).delay(0, 0); ok {
		t.Error("negative MaxRetries must disable retries")
	}
}
