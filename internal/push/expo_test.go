package push

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeExpo is a local Expo push service. reply decides each /send answer;
// nil means every message gets an ok ticket.
type fakeExpo struct {
	t        *testing.T
	requests atomic.Int32
	mu       sync.Mutex
	batches  [][]expoMessage
	reply    func(n int32, w http.ResponseWriter, batch []expoMessage) bool
}

func (f *fakeExpo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.requests.Add(1)
	if r.Method != http.MethodPost || r.Header.Get("Accept") != "application/json" ||
		r.Header.Get("Accept-Encoding") != "gzip" || r.Header.Get("Content-Type") != "application/json" {
		f.t.Errorf("bad request line or headers: %s %v", r.Method, r.Header)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer secreto-expo" {
		f.t.Errorf("Authorization = %q", got)
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			f.t.Fatalf("gzip body: %v", err)
		}
		body = zr
	}
	if strings.HasSuffix(r.URL.Path, "/getReceipts") {
		var req struct{ IDs []string }
		_ = json.NewDecoder(body).Decode(&req)
		data := map[string]any{}
		for _, id := range req.IDs {
			switch id {
			case "r-ok":
				data[id] = map[string]any{"status": "ok"}
			case "r-gone":
				data[id] = map[string]any{"status": "error", "message": "not registered", "details": map[string]string{"error": "DeviceNotRegistered"}}
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
		return
	}
	var batch []expoMessage
	if err := json.NewDecoder(body).Decode(&batch); err != nil {
		f.t.Errorf("body is not a JSON array of messages: %v", err)
	}
	f.mu.Lock()
	f.batches = append(f.batches, batch)
	f.mu.Unlock()
	if f.reply != nil && f.reply(n, w, batch) {
		return
	}
	writeTickets(w, batch, false)
}

// writeTickets answers ok for every message, except tokens containing "gone",
// "big" or "rate", which get the matching Expo error ticket.
func writeTickets(w http.ResponseWriter, batch []expoMessage, gzipped bool) {
	tickets := make([]map[string]any, len(batch))
	for i, m := range batch {
		code := ""
		switch {
		case strings.Contains(m.To, "gone"):
			code = "DeviceNotRegistered"
		case strings.Contains(m.To, "big"):
			code = "MessageTooBig"
		case strings.Contains(m.To, "rate"):
			code = "MessageRateExceeded"
		}
		if code == "" {
			tickets[i] = map[string]any{"status": "ok", "id": "ticket-" + m.To}
		} else {
			tickets[i] = map[string]any{"status": "error", "message": m.To + " failed", "details": map[string]string{"error": code}}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if !gzipped {
		_ = json.NewEncoder(w).Encode(map[string]any{"data": tickets})
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	zw := gzip.NewWriter(w)
	_ = json.NewEncoder(zw).Encode(map[string]any{"data": tickets})
	_ = zw.Close()
}

func newFakeExpo(t *testing.T) (*fakeExpo, *httptest.Server) {
	f := &fakeExpo{t: t}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func expoToken(i int) string { return fmt.Sprintf("ExponentPushToken[tok-%03d]", i) }

// recordSleeps makes retries instant and records the waits.
func recordSleeps(p *retryPolicy) *[]time.Duration {
	var mu sync.Mutex
	waits := &[]time.Duration{}
	p.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		*waits = append(*waits, d)
		return ctx.Err()
	}
	return waits
}

func TestExpoBatchesRequestsOfAtMost100(t *testing.T) {
	f, srv := newFakeExpo(t)
	f.reply = func(n int32, w http.ResponseWriter, batch []expoMessage) bool {
		writeTickets(w, batch, n == 2) // one answer gzipped
		return true
	}
	c := NewExpo(ExpoConfig{Endpoint: srv.URL + "/--/api/v2/push/send", AccessToken: "secreto-expo"})
	msgs := make([]Message, 250)
	for i := range msgs {
		msgs[i] = Message{Token: expoToken(i), Title: "Pago", Body: "Su cuota vence mañana", Data: map[string]string{"pago": "p1"}, Sound: "default"}
	}
	results, err := c.Send(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.requests.Load(); got != 3 {
		t.Fatalf("requests = %d, want 3", got)
	}
	for i, want := range []int{100, 100, 50} {
		if len(f.batches[i]) != want {
			t.Errorf("batch %d has %d messages, want %d", i, len(f.batches[i]), want)
		}
	}
	first := f.batches[0][0]
	if first.To != expoToken(0) || first.Title != "Pago" || first.Body != "Su cuota vence mañana" || first.Data["pago"] != "p1" || first.Sound != "default" {
		t.Errorf("first message = %+v", first)
	}
	for i, r := range results {
		if r.Status != StatusEnviado || r.Token != msgs[i].Token || r.ProviderID != "ticket-"+msgs[i].Token {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
}

func TestExpoTicketErrors(t *testing.T) {
	f, srv := newFakeExpo(t)
	c := NewExpo(ExpoConfig{Endpoint: srv.URL + "/send", AccessToken: "secreto-expo"})
	msgs := []Message{
		{Token: "ExponentPushToken[ok]"},
		{Token: "ExponentPushToken[gone]"},
		{Token: "no-es-un-token"},
		{Token: "ExpoPushToken[big]"},
		{Token: "ExponentPushToken[rate]"},
	}
	results, err := c.Send(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.batches[0]); n != 4 {
		t.Errorf("sent %d messages; the malformed token must not be sent", n)
	}
	want := []struct {
		status    string
		temporary bool
	}{
		{StatusEnviado, false},
		{StatusTokenInvalido, false},
		{StatusTokenInvalido, false},
		{StatusError, false},
		{StatusError, true},
	}
	for i, w := range want {
		r := results[i]
		if r.Status != w.status || r.Temporary != w.temporary || r.Token != msgs[i].Token {
			t.Errorf("result %d = %+v, want status %s temporary %v", i, r, w.status, w.temporary)
		}
		if (r.Status == StatusEnviado) != (r.Error == "") {
			t.Errorf("result %d: Error %q inconsistent with status", i, r.Error)
		}
	}
	if !strings.Contains(results[1].Error, "DeviceNotRegistered") {
		t.Errorf("error text %q should name the Expo code", results[1].Error)
	}
}

func TestExpoWholeRequestErrorIsNotRetried(t *testing.T) {
	f, srv := newFakeExpo(t)
	f.reply = func(_ int32, w http.ResponseWriter, _ []expoMessage) bool {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"errors":[{"code":"PUSH_TOO_MANY_EXPERIENCE_IDS","message":"mixed projects"}]}`)
		return true
	}
	c := NewExpo(ExpoConfig{Endpoint: srv.URL + "/send", AccessToken: "secreto-expo"})
	waits := recordSleeps(&c.retry)
	results, err := c.Send(context.Background(), []Message{{Token: expoToken(1)}, {Token: expoToken(2)}})
	if err != nil {
		t.Fatal(err)
	}
	if f.requests.Load() != 1 || len(*waits) != 0 {
		t.Errorf("requests = %d, waits = %v; a 400 must not be retried", f.requests.Load(), *waits)
	}
	for _, r := range results {
		if r.Status != StatusError || r.Temporary || !strings.Contains(r.Error, "PUSH_TOO_MANY_EXPERIENCE_IDS") {
			t.Errorf("result = %+v", r)
		}
	}
}

func TestExpoHonoursRetryAfterOn429(t *testing.T) {
	f, srv := newFakeExpo(t)
	f.reply = func(n int32, w http.ResponseWriter, _ []expoMessage) bool {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		return false
	}
	c := NewExpo(ExpoConfig{Endpoint: srv.URL + "/send", AccessToken: "secreto-expo"})
	start := time.Now()
	results, err := c.Send(context.Background(), []Message{{Token: expoToken(1)}})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Status != StatusEnviado || f.requests.Load() != 2 {
		t.Fatalf("result = %+v after %d requests", results[0], f.requests.Load())
	}
	if elapsed < 950*time.Millisecond {
		t.Errorf("retried after %v; Retry-After: 1 asks for at least 1s", elapsed)
	}
}

func TestExpoRetries5xxThenSucceeds(t *testing.T) {
	f, srv := newFakeExpo(t)
	f.reply = func(n int32, w http.ResponseWriter, _ []expoMessage) bool {
		if n <= 2 {
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	}
	c := NewExpo(ExpoConfig{Endpoint: srv.URL + "/send", AccessToken: "secreto-expo", MaxBackoff: 5 * time.Second})
	waits := recordSleeps(&c.retry)
	results, err := c.Send(context.Background(), []Message{{Token: expoToken(1)}})
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Status != StatusEnviado || f.requests.Load() != 3 {
		t.Fatalf("result = %+v after %d requests", results[0], f.requests.Load())
	}
	// Exponential with equal jitter: [0.5s,1s] then [1s,2s].
	if len(*waits) != 2 || (*waits)[0] < 500*time.Millisecond || (*waits)[0] > time.Second ||
		(*waits)[1] < time.Second || (*waits)[1] > 2*time.Second {
		t.Errorf("waits = %v", *waits)
	}
}

func TestExpoPersistentFailureEndsAsTemporaryError(t *testing.T) {
	f, srv := newFakeExpo(t)
	f.reply = func(_ int32, w http.ResponseWriter, _ []expoMessage) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
	c := NewExpo(ExpoConfig{Endpoint: srv.URL + "/send", AccessToken: "secreto-expo", MaxRetries: 2, MaxBackoff: 1500 * time.Millisecond})
	waits := recordSleeps(&c.retry)
	results, err := c.Send(context.Background(), []Message{{Token: expoToken(1)}})
	if err != nil {
		t.Fatal(err)
	}
	if f.requests.Load() != 3 {
		t.Errorf("requests = %d, want 1 + MaxRetries", f.requests.Load())
	}
	for _, d := range *waits {
		if d > 1500*time.Millisecond {
			t.Errorf("wait %v exceeds MaxBackoff", d)
		}
	}
	r := results[0]
	if r.Status != StatusError || !r.Temporary || !strings.Contains(r.Error, "503") {
		t.Errorf("result = %+v", r)
	}
}

func TestExpoRetryAfterBeyondMaxBackoffGivesUp(t *testing.T) {
	f, srv := newFakeExpo(t)
	f.reply = func(_ int32, w http.ResponseWriter, _ []expoMessage) bool {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	}
	c := NewExpo(ExpoConfig{Endpoint: srv.URL + "/send", AccessToken: "secreto-expo", MaxBackoff: 10 * time.Second})
	waits := recordSleeps(&c.retry)
	results, _ := c.Send(context.Background(), []Message{{Token: expoToken(1)}})
	if f.requests.Load() != 1 || len(*waits) != 0 || !results[0].Temporary {
		t.Errorf("requests = %d waits = %v result = %+v", f.requests.Load(), *waits, results[0])
	}
}

func TestExpoContextCancelStopsSend(t *testing.T) {
	release := make(chan struct{})
	f, srv := newFakeExpo(t)
	f.reply = func(_ int32, w http.ResponseWriter, _ []expoMessage) bool {
		<-release
		return false
	}
	defer close(release)
	c := NewExpo(ExpoConfig{Endpoint: srv.URL + "/send", AccessToken: "secreto-expo"})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	msgs := make([]Message, 150)
	for i := range msgs {
		msgs[i] = Message{Token: expoToken(i)}
	}
	start := time.Now()
	results, err := c.Send(ctx, msgs)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
	for _, r := range results {
		if r.Status != StatusError || !r.Temporary {
			t.Fatalf("result = %+v", r)
		}
	}
}

func TestExpoGetReceipts(t *testing.T) {
	_, srv := newFakeExpo(t)
	c := NewExpo(ExpoConfig{Endpoint: srv.URL + "/--/api/v2/push/send", AccessToken: "secreto-expo"})
	got, err := c.GetReceipts(context.Background(), []string{"r-ok", "r-gone", "r-pending"})
	if err != nil {
		t.Fatal(err)
	}
	if got["r-ok"].Status != StatusEnviado || got["r-gone"].Status != StatusTokenInvalido || len(got) != 2 {
		t.Errorf("receipts = %+v", got)
	}
}

func TestIsExpoToken(t *testing.T) {
	for tok, want := range map[string]bool{
		"ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]": true,
		"ExpoPushToken[abc]":                        true,
		"9d6a1c4e-1234-4abc-9def-0123456789ab":      true,
		"ExponentPushToken[]":                       false,
		"":                                          false,
		"fcm:APA91b...":                             false,
	} {
		if IsExpoToken(tok) != want {
			t.Errorf("IsExpoToken(%q) != %v", tok, want)
		}
	}
}
