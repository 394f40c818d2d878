package notify_test

import (
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/jobs"
	"sgul/internal/sgultest"
)

// fakeExpo speaks Expo's push API as documented (https://docs.expo.dev/push-notifications/sending-notifications/):
// POST /--/api/v2/push/send with a JSON array of messages (gzip allowed), answering
// {"data":[ticket...]} in the same order; POST /--/api/v2/push/getReceipts {"ids":[...]}.
type fakeExpo struct {
	t       *testing.T
	srv     *httptest.Server
	token   string // required access token ("" = none)
	mu      sync.Mutex
	batches [][]map[string]any // accepted send requests
	// rejectFirst429 answers the first send with 429 and Retry-After: 1.
	rejectFirst429 atomic.Bool
	firstAt        time.Time
	secondAt       time.Time
	unavailable    atomic.Bool            // answer every send with 503
	ticket         func(to string) string // "ok" (default) or an Expo error code
	receipts       map[string]string      // ticket id -> "ok" or error code
}

func newFakeExpo(t *testing.T, token string) *fakeExpo {
	f := &fakeExpo{t: t, token: token, receipts: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /--/api/v2/push/send", f.send)
	mux.HandleFunc("POST /--/api/v2/push/getReceipts", f.getReceipts)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeExpo) endpoint() string { return f.srv.URL + "/--/api/v2/push/send" }

func (f *fakeExpo) checkRequest(r *http.Request) io.Reader {
	if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Accept") != "application/json" {
		f.t.Errorf("cabeceras de Expo: %v", r.Header)
	}
	if f.token != "" && r.Header.Get("Authorization") != "Bearer "+f.token {
		f.t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			f.t.Fatalf("gzip: %v", err)
		}
		body = zr
	}
	return body
}

func (f *fakeExpo) send(w http.ResponseWriter, r *http.Request) {
	body := f.checkRequest(r)
	if f.unavailable.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if f.rejectFirst429.CompareAndSwap(true, false) {
		f.firstAt = time.Now()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	var msgs []map[string]any
	if err := json.NewDecoder(body).Decode(&msgs); err != nil {
		f.t.Errorf("cuerpo de Expo: %v", err)
	}
	if len(msgs) > 100 {
		f.t.Errorf("lote de %d mensajes: Expo acepta 100", len(msgs))
	}
	f.mu.Lock()
	if f.secondAt.IsZero() && !f.firstAt.IsZero() {
		f.secondAt = time.Now()
	}
	f.batches = append(f.batches, msgs)
	f.mu.Unlock()
	tickets := make([]map[string]any, len(msgs))
	for i, m := range msgs {
		to, _ := m["to"].(string)
		code := "ok"
		if f.ticket != nil {
			code = f.ticket(to)
		}
		if code == "ok" {
			tickets[i] = map[string]any{"status": "ok", "id": "ticket-" + to}
		} else {
			tickets[i] = map[string]any{"status": "error", "message": "\"" + to + "\" is not a registered push notification recipient",
				"details": map[string]any{"error": code}}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": tickets})
}

func (f *fakeExpo) getReceipts(w http.ResponseWriter, r *http.Request) {
	var in struct{ IDs []string }
	if err := json.NewDecoder(f.checkRequest(r)).Decode(&in); err != nil {
		f.t.Errorf("getReceipts: %v", err)
	}
	out := map[string]any{}
	f.mu.Lock()
	for _, id := range in.IDs {
		switch code, ok := f.receipts[id]; {
		case !ok:
		case code == "ok":
			out[id] = map[string]any{"status": "ok"}
		default:
			out[id] = map[string]any{"status": "error", "message": "gone", "details": map[string]any{"error": code}}
		}
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": out})
}

func (f *fakeExpo) sent() [][]map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]map[string]any(nil), f.batches...)
}

// fakeFCM is Google's OAuth2 token endpoint plus the FCM HTTP v1 send endpoint
// (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages/send).
type fakeFCM struct {
	t        *testing.T
	srv      *httptest.Server
	key      *rsa.PrivateKey
	mu       sync.Mutex
	messages []map[string]any
	// unregistered tokens answer 404 UNREGISTERED.
	unregistered map[string]bool
}

func newFakeFCM(t *testing.T) *fakeFCM {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeFCM{t: t, key: key, unregistered: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" || strings.Count(r.PostForm.Get("assertion"), ".") != 2 {
			t.Errorf("token request: %v", r.PostForm)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"ya29.sgul","expires_in":3599,"token_type":"Bearer"}`)
	})
	mux.HandleFunc("POST /v1/projects/sgul-test/messages:send", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ya29.sgul" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"code":401,"status":"UNAUTHENTICATED","message":"bad token"}}`)
			return
		}
		var req struct {
			Message map[string]any `json:"message"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("FCM body: %v", err)
		}
		f.mu.Lock()
		f.messages = append(f.messages, req.Message)
		f.mu.Unlock()
		token, _ := req.Message["token"].(string)
		w.Header().Set("Content-Type", "application/json")
		if f.unregistered[token] {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND",
				"details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}`)
			return
		}
		fmt.Fprintf(w, `{"name":"projects/sgul-test/messages/%s"}`, token)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// serviceAccount is a key file like the Firebase console's, pointing at this server.
func (f *fakeFCM) serviceAccount() []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(f.key)
	raw, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "sgul-test", "private_key_id": "k1",
		"private_key":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email": "push@sgul-test.iam.gserviceaccount.com", "token_uri": f.srv.URL + "/token",
	})
	return raw
}

func (f *fakeFCM) endpoint() string { return f.srv.URL + "/v1/projects/{project_id}/messages:send" }

func (f *fakeFCM) sent() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.messages...)
}

// newApp is a fixture app.
func newApp(t *testing.T) (*tests.TestApp, sgultest.Fixture) {
	t.Helper()
	app, f := sgultest.NewApp(t)
	t.Cleanup(app.Cleanup)
	return app, f
}

// device registers a push token for alumno.
func device(t *testing.T, app core.App, alumno, plataforma, token string) *core.Record {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId("dispositivos")
	r := core.NewRecord(col)
	r.Load(map[string]any{"alumno": alumno, "plataforma": plataforma, "token": token, "activo": true})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// jobs returns the jobs of tipo as a handler sees them, oldest first.
func jobsOf(t *testing.T, app core.App, tipo string) []*jobs.Job {
	t.Helper()
	recs, err := app.FindRecordsByFilter("jobs", "tipo = {:t}", "created,id", 0, 0, dbx.Params{"t": tipo})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*jobs.Job, len(recs))
	for i, rec := range recs {
		raw, _ := json.Marshal(rec.Get("payload"))
		out[i] = &jobs.Job{Id: rec.Id, Tipo: tipo, Key: rec.GetString("clave"), Payload: raw, Attempt: 1, MaxAttempts: 10}
	}
	return out
}

// onlyJob is the single job of tipo.
func onlyJob(t *testing.T, app core.App, tipo string) *jobs.Job {
	t.Helper()
	js := jobsOf(t, app, tipo)
	if len(js) != 1 {
		t.Fatalf("%d jobs %s, quería 1", len(js), tipo)
	}
	return js[0]
}

func countJobs(t *testing.T, app core.App, tipo string) int {
	t.Helper()
	return len(jobsOf(t, app, tipo))
}
