package push

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	defaultMaxRetries = 3
	defaultMaxBackoff = 30 * time.Second
	defaultTimeout    = 30 * time.Second
	baseBackoff       = time.Second
	maxResponseBytes  = 8 << 20
)

// retryPolicy decides whether and how long to wait before repeating a request.
type retryPolicy struct {
	maxRetries int
	maxBackoff time.Duration
	// sleep is replaced in tests to record waits instead of sleeping.
	sleep func(ctx context.Context, d time.Duration) error
}

// newRetryPolicy applies the documented defaults: maxRetries 0 means 3 and a
// negative value disables retries; maxBackoff <= 0 means 30 s.
func newRetryPolicy(maxRetries int, maxBackoff time.Duration) retryPolicy {
	switch {
	case maxRetries == 0:
		maxRetries = defaultMaxRetries
	case maxRetries < 0:
		maxRetries = 0
	}
	if maxBackoff <= 0 {
		maxBackoff = defaultMaxBackoff
	}
	return retryPolicy{maxRetries: maxRetries, maxBackoff: maxBackoff, sleep: sleepCtx}
}

// delay returns the wait before retry number attempt (0 for the first retry)
// and false when no retry is allowed. A server-given Retry-After is honoured
// exactly; when it exceeds maxBackoff we give up rather than block a worker,
// and the Result is marked Temporary so the caller retries later.
func (p retryPolicy) delay(attempt int, retryAfter time.Duration) (time.Duration, bool) {
	if attempt >= p.maxRetries {
		return 0, false
	}
	if retryAfter > 0 {
		return retryAfter, retryAfter <= p.maxBackoff
	}
	d := p.maxBackoff
	if attempt < 30 && baseBackoff<<attempt < d {
		d = baseBackoff << attempt
	}
	// Equal jitter: half fixed, half random, so retries from many workers spread out.
	half := d / 2
	return half + rand.N(d-half+1), true
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// parseRetryAfter reads a Retry-After header given in seconds or as an HTTP date.
// It returns 0 when the header is absent or unusable.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// transientStatus reports HTTP statuses worth retrying.
func transientStatus(code int) bool {
	return code == http.StatusTooManyRequests || code >= 500
}

// readBody reads a bounded response body, decompressing gzip when the server
// used it (we ask for gzip explicitly, so net/http does not do it for us).
func readBody(resp *http.Response) ([]byte, error) {
	var r io.Reader = resp.Body
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	return io.ReadAll(io.LimitReader(r, maxResponseBytes))
}

// defaultHTTPClient is used when a config leaves HTTPClient nil.
func defaultHTTPClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: defaultTimeout}
}

// exchange is one HTTP request/response, or the network error that replaced it.
type exchange struct {
	status int
	header http.Header
	body   []byte
	err    error
}

// failed reports whether the exchange is worth retrying.
func (ex exchange) failed() bool { return ex.err != nil || transientStatus(ex.status) }

// describe renders a transient failure for Result.Error.
func (ex exchange) describe(provider string) string {
	if ex.err != nil {
		return fmt.Sprintf("%s no respondió: %v", provider, ex.err)
	}
	return fmt.Sprintf("%s no disponible (HTTP %d)", provider, ex.status)
}

// do runs send until it succeeds, fails permanently or retries run out, and
// returns the last exchange. The error is non-nil only if ctx ended.
func (p retryPolicy) do(ctx context.Context, send func() exchange) (exchange, error) {
	for attempt := 0; ; attempt++ {
		ex := send()
		if err := ctx.Err(); err != nil {
			return ex, err
		}
		if !ex.failed() {
			return ex, nil
		}
		var retryAfter time.Duration
		if ex.err == nil {
			retryAfter = parseRetryAfter(ex.header.Get("Retry-After"), time.Now())
		}
		d, ok := p.delay(attempt, retryAfter)
		if !ok {
			return ex, nil
		}
		if err := p.sleep(ctx, d); err != nil {
			return ex, err
		}
	}
}

// roundTrip performs req and reads its body.
func roundTrip(client *http.Client, req *http.Request) exchange {
	resp, err := client.Do(req)
	if err != nil {
		return exchange{err: err}
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	if err != nil {
		return exchange{err: err}
	}
	return exchange{status: resp.StatusCode, header: resp.Header, body: body}
}

// snippet shortens a response body for error messages.
func snippet(b []byte) string {
	const max = 300
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}
