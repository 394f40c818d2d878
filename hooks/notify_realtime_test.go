package hooks_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"sgul/internal/sgultest"
)

// bgRealtime opens a PocketBase realtime (SSE) connection as actor, subscribes to topics
// and returns the channel of "event|data" lines it receives.
func bgRealtime(t *testing.T, base, token string, topics ...string) <-chan string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = res.Body.Close() })
	events := make(chan string, 64)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				name = strings.TrimPrefix(line, "event:")
			case strings.HasPrefix(line, "data:"):
				events <- name + "|" + strings.TrimPrefix(line, "data:")
			}
		}
	}()
	var clientID string
	select {
	case ev := <-events:
		name, data, _ := strings.Cut(ev, "|")
		var c struct{ ClientId string }
		if name != "PB_CONNECT" || json.Unmarshal([]byte(data), &c) != nil {
			t.Fatalf("primer evento %q", ev)
		}
		clientID = c.ClientId
	case <-time.After(5 * time.Second):
		t.Fatal("sin PB_CONNECT")
	}
	body, _ := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": topics})
	sub, _ := http.NewRequest(http.MethodPost, base+"/api/realtime", bytes.NewReader(body))
	sub.Header.Set("Content-Type", "application/json")
	sub.Header.Set("Authorization", token)
	sres, err := http.DefaultClient.Do(sub)
	if err != nil {
		t.Fatal(err)
	}
	_ = sres.Body.Close()
	if sres.StatusCode != http.StatusNoContent {
		t.Fatalf("suscripción: %d", sres.StatusCode)
	}
	return events
}

// A student receives his own notifications live, and never another student's.
func TestNotifRealtimeOnlyOwn(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	base := sgultest.Serve(t, app)

	mine := bgRealtime(t, base, f.Tokens["alumno2"], "notificaciones/*")
	ajena := bgNotifyOne(t, app, f.Alumno1, "rt:1")
	// alumno2 also tries the record topic of alumno1's notification
	spy := bgRealtime(t, base, f.Tokens["alumno2"], "notificaciones/"+ajena.Id)
	propia := bgNotifyOne(t, app, f.Alumno2, "rt:2")
	ajena.Set("leida", true)
	if err := app.Save(ajena); err != nil {
		t.Fatal(err)
	}

	var got []string
	deadline := time.After(2 * time.Second)
collect:
	for {
		select {
		case ev := <-mine:
			got = append(got, ev)
		case ev := <-spy:
			got = append(got, ev)
		case <-deadline:
			break collect
		}
	}
	all := strings.Join(got, "\n")
	if !strings.Contains(all, propia.Id) {
		t.Errorf("alumno2 no recibió su notificación en vivo:\n%s", all)
	}
	if strings.Contains(all, ajena.Id) {
		t.Errorf("alumno2 recibió la notificación de alumno1:\n%s", all)
	}
}
