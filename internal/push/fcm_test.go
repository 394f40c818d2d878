package push

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
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
)

const testClientEmail = "sgul-push@sgul-test.iam.gserviceaccount.com"

var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// serviceAccountJSON builds a key file like the Firebase console's, signed by testKey.
func serviceAccountJSON(t *testing.T, tokenURI string) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(testKey())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(map[string]string{
		"type":           "service_account",
		"project_id":     "sgul-test",
		"private_key_id": "kid-1",
		"private_key":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":   testClientEmail,
		"token_uri":      tokenURI,
	})
	return raw
}

// fakeGoogle is a local OAuth2 token endpoint plus FCM v1 send endpoint.
type fakeGoogle struct {
	t          *testing.T
	srv        *httptest.Server
	tokens     atomic.Int32 // tokens issued
	tokenFail  int          // HTTP status to answer token requests with, 0 = issue
	sends      atomic.Int32
	inFlight   atomic.Int32
	maxFlight  atomic.Int32
	revokeOnce atomic.Bool // reject the first token once with 401
	send       func(n int32, w http.ResponseWriter, msg fcmMessage) bool
}

func newFakeGoogle(t *testing.T) *fakeGoogle {
	g := &fakeGoogle{t: t}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", g.serveToken)
	mux.HandleFunc("POST /v1/projects/sgul-test/messages:send", g.serveSend)
	g.srv = httptest.NewServer(mux)
	t.Cleanup(g.srv.Close)
	return g
}

func (g *fakeGoogle) tokenURL() string { return g.srv.URL + "/token" }

func (g *fakeGoogle) client(t *testing.T, cfg FCMConfig) *FCM {
	cfg.ServiceAccountJSON = serviceAccountJSON(t, g.tokenURL())
	cfg.Endpoint = g.srv.URL + "/v1/projects/{project_id}/messages:send"
	c, err := NewFCM(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serveToken checks the JWT bearer grant the way Google does: RS256 signature
// by the service account key, issuer, scope, audience and lifetime.
func (g *fakeGoogle) serveToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		g.t.Errorf("token form: %v", err)
	}
	if gt := r.PostForm.Get("grant_type"); gt != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		g.t.Errorf("grant_type = %q", gt)
	}
	parts := strings.Split(r.PostForm.Get("assertion"), ".")
	if len(parts) != 3 {
		g.t.Fatalf("assertion is not a JWS: %q", r.PostForm.Get("assertion"))
	}
	var header struct{ Alg, Typ, Kid string }
	var claims struct {
		Iss, Scope, Aud string
		Iat, Exp        int64
	}
	decode := func(seg string, v any) {
		b, err := base64.RawURLEncoding.DecodeString(seg)
		if err != nil {
			g.t.Fatalf("segment %q: %v", seg, err)
		}
		if v != nil {
			if err := json.Unmarshal(b, v); err != nil {
				g.t.Fatalf("segment json: %v", err)
			}
		}
	}
	decode(parts[0], &header)
	decode(parts[1], &claims)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		g.t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&testKey().PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		g.t.Errorf("assertion signature: %v", err)
	}
	if header.Alg != "RS256" || header.Typ != "JWT" || header.Kid != "kid-1" {
		g.t.Errorf("header = %+v", header)
	}
	now := time.Now().Unix()
	if claims.Iss != testClientEmail || claims.Scope != FCMScope || claims.Aud != g.tokenURL() ||
		claims.Iat > now+5 || claims.Exp <= now || claims.Exp-claims.Iat > 3600 {
		g.t.Errorf("claims = %+v", claims)
	}
	if g.tokenFail != 0 {
		w.WriteHeader(g.tokenFail)
		_, _ = io.WriteString(w, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`)
		return
	}
	n := g.tokens.Add(1)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":"ya29.token-%d","expires_in":3599,"token_type":"Bearer"}`, n)
}

func (g *fakeGoogle) serveSend(w http.ResponseWriter, r *http.Request) {
	cur := g.inFlight.Add(1)
	defer g.inFlight.Add(-1)
	for {
		m := g.maxFlight.Load()
		if cur <= m || g.maxFlight.CompareAndSwap(m, cur) {
			break
		}
	}
	time.Sleep(5 * time.Millisecond) // let requests overlap
	n := g.sends.Add(1)
	auth := r.Header.Get("Authorization")
	if g.revokeOnce.CompareAndSwap(true, false) || !strings.HasPrefix(auth, "Bearer ya29.token-") {
		writeGoogleError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "", "Request had invalid authentication credentials.")
		return
	}
	if auth == "Bearer ya29.token-1" && g.tokens.Load() > 1 {
		writeGoogleError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "", "stale token")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		g.t.Errorf("Content-Type = %q", ct)
	}
	var req fcmRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		g.t.Errorf("body: %v", err)
	}
	if g.send != nil && g.send(n, w, req.Message) {
		return
	}
	fmt.Fprintf(w, `{"name":"projects/sgul-test/messages/%s"}`, req.Message.Token)
}

func writeGoogleError(w http.ResponseWriter, code int, status, fcmCode, msg string) {
	details := []any{}
	if fcmCode != "" {
		details = append(details, map[string]string{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcmCode})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": code, "message": msg, "status": status, "details": details,
	}})
}

func TestFCMSendsWithServiceAccountToken(t *testing.T) {
	g := newFakeGoogle(t)
	var seen sync.Map
	g.send = func(_ int32, _ http.ResponseWriter, m fcmMessage) bool {
		seen.Store(m.Token, m)
		return false
	}
	c := g.client(t, FCMConfig{})
	msgs := make([]Message, 40)
	for i := range msgs {
		msgs[i] = Message{Token: fmt.Sprintf("fcm-%02d", i), Title: "Matrícula", Body: "Confirmada", Data: map[string]string{"id": "m1"}, Sound: "default"}
	}
	results, err := c.Send(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	if g.tokens.Load() != 1 {
		t.Errorf("token requests = %d, want 1 (cached)", g.tokens.Load())
	}
	if g.sends.Load() != 40 {
		t.Errorf("sends = %d", g.sends.Load())
	}
	if m := g.maxFlight.Load(); m > DefaultFCMConcurrency || m < 2 {
		t.Errorf("max in flight = %d, want 2..%d", m, DefaultFCMConcurrency)
	}
	for i, r := range results {
		if r.Status != StatusEnviado || r.ProviderID != "projects/sgul-test/messages/"+msgs[i].Token {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	v, _ := seen.Load("fcm-07")
	m := v.(fcmMessage)
	if m.Notification == nil || m.Notification.Title != "Matrícula" || m.Notification.Body != "Confirmada" ||
		m.Data["id"] != "m1" || m.Android == nil || m.Android.Notification.Sound != "default" || m.APNS.Payload.APS.Sound != "default" {
		t.Errorf("message = %+v", m)
	}
	if c.Provider() != "fcm" {
		t.Error("Provider")
	}
}

func TestFCMErrorClassification(t *testing.T) {
	g := newFakeGoogle(t)
	g.send = func(_ int32, w http.ResponseWriter, m fcmMessage) bool {
		switch m.Token {
		case "unregistered":
			writeGoogleError(w, http.StatusNotFound, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.")
		case "malformed":
			writeGoogleError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token")
		case "bad-payload":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":{"code":400,"message":"Invalid value at 'message.data[0].value'","status":"INVALID_ARGUMENT",
				"details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"message.data[0].value","description":"bad"}]}]}}`)
		case "other-project":
			writeGoogleError(w, http.StatusForbidden, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch")
		default:
			return false
		}
		return true
	}
	c := g.client(t, FCMConfig{})
	waits := recordSleeps(&c.retry)
	msgs := []Message{{Token: "ok"}, {Token: "unregistered"}, {Token: "malformed"}, {Token: "bad-payload"}, {Token: "other-project"}, {Token: " "}}
	results, err := c.Send(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{StatusEnviado, StatusTokenInvalido, StatusTokenInvalido, StatusError, StatusError, StatusTokenInvalido}
	for i, w := range want {
		if results[i].Status != w || results[i].Temporary {
			t.Errorf("%s: %+v, want %s", msgs[i].Token, results[i], w)
		}
	}
	if len(*waits) != 0 {
		t.Errorf("4xx answers must not be retried: %v", *waits)
	}
	if !strings.Contains(results[1].Error, "UNREGISTERED") {
		t.Errorf("error %q should name the FCM code", results[1].Error)
	}
}

func TestFCMRefreshesTokenOnceOn401(t *testing.T) {
	g := newFakeGoogle(t)
	g.revokeOnce.Store(true)
	c := g.client(t, FCMConfig{Concurrency: 1})
	results, err := c.Send(context.Background(), []Message{{Token: "a"}, {Token: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Status != StatusEnviado || results[1].Status != StatusEnviado {
		t.Fatalf("results = %+v", results)
	}
	if g.tokens.Load() != 2 || g.sends.Load() != 3 {
		t.Errorf("tokens = %d sends = %d, want 2 and 3", g.tokens.Load(), g.sends.Load())
	}
}

func TestFCMPersistent401IsAnErrorNotALoop(t *testing.T) {
	g := newFakeGoogle(t)
	g.send = func(_ int32, w http.ResponseWriter, _ fcmMessage) bool {
		writeGoogleError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", "APNs certificate rejected")
		return true
	}
	c := g.client(t, FCMConfig{})
	results, err := c.Send(context.Background(), []Message{{Token: "a"}, {Token: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	// An APNs credential problem is per message: no token refresh, no retry.
	for _, r := range results {
		if r.Status != StatusError || r.Temporary || !strings.Contains(r.Error, "APNs") {
			t.Errorf("result = %+v", r)
		}
	}
	if g.sends.Load() != 2 || g.tokens.Load() != 1 {
		t.Errorf("sends = %d tokens = %d, want 2 and 1", g.sends.Load(), g.tokens.Load())
	}
}

func TestFCMTokenRefusedAfterRefreshFailsTheCall(t *testing.T) {
	g := newFakeGoogle(t)
	g.send = func(_ int32, w http.ResponseWriter, _ fcmMessage) bool {
		writeGoogleError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "", "Request had invalid authentication credentials.")
		return true
	}
	c := g.client(t, FCMConfig{Concurrency: 1})
	msgs := make([]Message, 20)
	for i := range msgs {
		msgs[i] = Message{Token: fmt.Sprint(i)}
	}
	results, err := c.Send(context.Background(), msgs)
	if err == nil {
		t.Fatal("want an error when fresh tokens are refused")
	}
	if g.sends.Load() != 2 || g.tokens.Load() != 2 {
		t.Errorf("sends = %d tokens = %d, want 2 and 2", g.sends.Load(), g.tokens.Load())
	}
	for _, r := range results {
		if r.Status != StatusError || r.Temporary || !strings.Contains(r.Error, "credenciales") {
			t.Fatalf("result = %+v", r)
		}
	}
}

func TestFCMHonoursRetryAfterAndRetries5xx(t *testing.T) {
	g := newFakeGoogle(t)
	g.send = func(n int32, w http.ResponseWriter, _ fcmMessage) bool {
		switch n {
		case 1:
			w.Header().Set("Retry-After", "1")
			writeGoogleError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "quota")
		case 2:
			writeGoogleError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "UNAVAILABLE", "try later")
		default:
			return false
		}
		return true
	}
	c := g.client(t, FCMConfig{MaxBackoff: 5 * time.Second})
	waits := recordSleeps(&c.retry)
	results, err := c.Send(context.Background(), []Message{{Token: "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Status != StatusEnviado || g.sends.Load() != 3 {
		t.Fatalf("result = %+v after %d sends", results[0], g.sends.Load())
	}
	if len(*waits) != 2 || (*waits)[0] != time.Second || (*waits)[1] < time.Second || (*waits)[1] > 2*time.Second {
		t.Errorf("waits = %v, want exactly 1s (Retry-After) then 1-2s backoff", *waits)
	}
}

func TestFCMPersistent5xxEndsAsTemporaryError(t *testing.T) {
	g := newFakeGoogle(t)
	g.send = func(_ int32, w http.ResponseWriter, _ fcmMessage) bool {
		writeGoogleError(w, http.StatusInternalServerError, "INTERNAL", "INTERNAL", "boom")
		return true
	}
	c := g.client(t, FCMConfig{MaxRetries: 2})
	recordSleeps(&c.retry)
	results, err := c.Send(context.Background(), []Message{{Token: "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if g.sends.Load() != 3 || results[0].Status != StatusError || !results[0].Temporary {
		t.Errorf("result = %+v after %d sends", results[0], g.sends.Load())
	}
}

func TestFCMRejectedCredentialsFailTheCall(t *testing.T) {
	g := newFakeGoogle(t)
	g.tokenFail = http.StatusBadRequest
	c := g.client(t, FCMConfig{})
	results, err := c.Send(context.Background(), []Message{{Token: "a"}, {Token: "b"}})
	if err == nil {
		t.Fatal("want an error for rejected credentials")
	}
	if g.sends.Load() != 0 {
		t.Errorf("sent %d messages without a token", g.sends.Load())
	}
	for _, r := range results {
		if r.Status != StatusError || r.Temporary || !strings.Contains(r.Error, "token de acceso") {
			t.Errorf("result = %+v", r)
		}
	}
}

func TestFCMContextCancel(t *testing.T) {
	g := newFakeGoogle(t)
	release := make(chan struct{})
	g.send = func(_ int32, _ http.ResponseWriter, _ fcmMessage) bool {
		<-release
		return false
	}
	defer close(release)
	c := g.client(t, FCMConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	msgs := make([]Message, 30)
	for i := range msgs {
		msgs[i] = Message{Token: fmt.Sprint(i)}
	}
	results, err := c.Send(ctx, msgs)
	if err == nil {
		t.Fatal("want the context error")
	}
	for _, r := range results {
		if r.Status != StatusError || !r.Temporary {
			t.Fatalf("result = %+v", r)
		}
	}
}

func TestNewFCMValidatesServiceAccount(t *testing.T) {
	for name, raw := range map[string]string{
		"not json":   "{",
		"wrong type": `{"type":"authorized_user","client_email":"a","private_key":"b","project_id":"p"}`,
		"no key":     `{"type":"service_account","client_email":"a","project_id":"p"}`,
		"no project": `{"type":"service_account","client_email":"a","private_key":"b"}`,
	} {
		if _, err := NewFCM(FCMConfig{ServiceAccountJSON: []byte(raw)}); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}
