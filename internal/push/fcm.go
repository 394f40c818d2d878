package push

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2/jwt"
)

const (
	// DefaultFCMEndpoint is the FCM HTTP v1 send URL; {project_id} is replaced
	// by the service account's project.
	DefaultFCMEndpoint = "https://fcm.googleapis.com/v1/projects/{project_id}/messages:send"
	// DefaultFCMConcurrency is how many requests FCMConfig allows in flight by default.
	DefaultFCMConcurrency = 8
)

// FCMConfig configures the Firebase Cloud Messaging HTTP v1 client.
type FCMConfig struct {
	// ServiceAccountJSON is the service account key file downloaded from the
	// Firebase console (needs project_id, client_email, private_key).
	ServiceAccountJSON []byte
	// Endpoint defaults to DefaultFCMEndpoint; "{project_id}" is substituted.
	Endpoint string
	// TokenURL defaults to the key file's token_uri, else Google's token endpoint.
	// It is also the "aud" of the signed assertion.
	TokenURL string
	// HTTPClient defaults to a client with a 30 s timeout; it is used for the
	// token endpoint too.
	HTTPClient *http.Client
	// MaxRetries is how many times a 429/5xx/network failure is retried:
	// 0 means 3, negative means never.
	MaxRetries int
	// MaxBackoff caps each wait between retries (default 30 s). A Retry-After
	// longer than this ends the retries with a Temporary result.
	MaxBackoff time.Duration
	// Concurrency bounds the requests in flight (default DefaultFCMConcurrency).
	Concurrency int
}

// FCM sends notifications through FCM HTTP v1, one request per message,
// authenticated with an OAuth2 token obtained from a service account
// (JWT bearer grant). It is safe for concurrent use.
type FCM struct {
	endpoint    string
	http        *http.Client
	tokens      *tokenCache
	retry       retryPolicy
	concurrency int
}

var _ Sender = (*FCM)(nil)

// NewFCM parses the service account and returns an FCM client. No network
// request is made until Send.
func NewFCM(cfg FCMConfig) (*FCM, error) {
	sa, err := parseServiceAccount(cfg.ServiceAccountJSON)
	if err != nil {
		return nil, err
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = DefaultFCMEndpoint
	}
	if strings.Contains(endpoint, "{project_id}") {
		if sa.ProjectID == "" {
			return nil, errors.New("a la cuenta de servicio de Firebase le falta project_id")
		}
		endpoint = strings.ReplaceAll(endpoint, "{project_id}", url.PathEscape(sa.ProjectID))
	}
	tokenURL := cfg.TokenURL
	if tokenURL == "" {
		tokenURL = sa.TokenURI
	}
	if tokenURL == "" {
		tokenURL = defaultGoogleTokenURL
	}
	concurrency := cfg.Concurrency
	if concurrency <= 0 {
		concurrency = DefaultFCMConcurrency
	}
	hc := defaultHTTPClient(cfg.HTTPClient)
	return &FCM{
		endpoint: endpoint,
		http:     hc,
		tokens: &tokenCache{http: hc, conf: &jwt.Config{
			Email:        sa.ClientEmail,
			PrivateKey:   []byte(sa.PrivateKey),
			PrivateKeyID: sa.PrivateKeyID,
			Scopes:       []string{FCMScope},
			TokenURL:     tokenURL,
		}},
		retry:       newRetryPolicy(cfg.MaxRetries, cfg.MaxBackoff),
		concurrency: concurrency,
	}, nil
}

// Provider returns "fcm".
func (f *FCM) Provider() string { return "fcm" }

type fcmRequest struct {
	Message fcmMessage `json:"message"`
}

type fcmMessage struct {
	Token        string            `json:"token"`
	Notification *fcmNotification  `json:"notification,omitempty"`
	Data         map[string]string `json:"data,omitempty"`
	Android      *fcmAndroid       `json:"android,omitempty"`
	APNS         *fcmAPNS          `json:"apns,omitempty"`
}

type fcmNotification struct {
	Title string `json:"title,omitempty"`
	Body  string `json:"body,omitempty"`
}

type fcmAndroid struct {
	Notification struct {
		Sound string `json:"sound"`
	} `json:"notification"`
}

type fcmAPNS struct {
	Payload struct {
		APS struct {
			Sound string `json:"sound"`
		} `json:"aps"`
	} `json:"payload"`
}

// fcmErrorBody is Google's error envelope.
type fcmErrorBody struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Details []struct {
			Type            string `json:"@type"`
			ErrorCode       string `json:"errorCode"`
			FieldViolations []struct {
				Field string `json:"field"`
			} `json:"fieldViolations"`
		} `json:"details"`
	} `json:"error"`
}

// code returns the most specific error code (the FcmError one when present)
// and whether a field other than the token was reported invalid.
func (eb fcmErrorBody) code() (code string, payloadField bool) {
	code = eb.Error.Status
	for _, d := range eb.Error.Details {
		if strings.HasSuffix(d.Type, "google.firebase.fcm.v1.FcmError") && d.ErrorCode != "" {
			code = d.ErrorCode
		}
		for _, v := range d.FieldViolations {
			if v.Field != "" && v.Field != "message.token" {
				payloadField = true
			}
		}
	}
	return code, payloadField
}

// fcmErrorCode extracts the error code from a response body, "" if none.
func fcmErrorCode(body []byte) string {
	var eb fcmErrorBody
	if json.Unmarshal(body, &eb) != nil {
		return ""
	}
	code, _ := eb.code()
	return code
}

// Send delivers each message in its own request, at most Concurrency at a time.
// It fetches the access token first, so rejected credentials end the call
// with an error before any message is sent.
func (f *FCM) Send(ctx context.Context, msgs []Message) ([]Result, error) {
	results := make([]Result, len(msgs))
	if len(msgs) == 0 {
		return results, nil
	}
	if _, err := f.tokens.get(ctx); err != nil {
		return f.abort(results, msgs, err)
	}

	// A credential failure midway stops the remaining messages.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(f.concurrency, len(msgs)) {
		wg.Go(func() {
			for i := range jobs {
				r, fatal := f.sendOne(ctx, msgs[i])
				results[i] = r
				if fatal != nil {
					cancel(fatal)
				}
			}
		})
	}
feed:
	for i := range msgs {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if ctx.Err() != nil && slices.ContainsFunc(results, func(r Result) bool { return r.Status == "" }) {
		return f.abort(results, msgs, context.Cause(ctx))
	}
	return results, nil
}

// abort completes the results of a Send that could not finish.
func (f *FCM) abort(results []Result, msgs []Message, err error) ([]Result, error) {
	// Cancellation and unreachable token endpoints pass; refused credentials do not.
	temporary := errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	if te, ok := errors.AsType[*tokenError](err); ok {
		temporary = te.temporary
	}
	failAll(results, msgs, "no enviado: "+err.Error(), temporary)
	return results, err
}

// sendOne delivers m with retries. fatal is a credential error that makes
// sending the remaining messages pointless.
func (f *FCM) sendOne(ctx context.Context, m Message) (r Result, fatal error) {
	if strings.TrimSpace(m.Token) == "" {
		return Result{Token: m.Token, Status: StatusTokenInvalido, Error: "token de FCM vacío"}, nil
	}
	msg := fcmMessage{Token: m.Token, Data: m.Data}
	if m.Title != "" || m.Body != "" {
		msg.Notification = &fcmNotification{Title: m.Title, Body: m.Body}
	}
	if m.Sound != "" {
		msg.Android = &fcmAndroid{}
		msg.Android.Notification.Sound = m.Sound
		msg.APNS = &fcmAPNS{}
		msg.APNS.Payload.APS.Sound = m.Sound
	}
	body, err := json.Marshal(fcmRequest{Message: msg})
	if err != nil {
		return Result{Token: m.Token, Status: StatusError, Error: "mensaje inválido: " + err.Error()}, nil
	}

	refreshed := false
	ex, err := f.retry.do(ctx, func() exchange {
		for {
			tok, err := f.tokens.get(ctx)
			if err != nil {
				if te, ok := errors.AsType[*tokenError](err); ok && !te.temporary {
					fatal = err
					return exchange{status: http.StatusUnauthorized}
				}
				return exchange{err: err}
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.endpoint, bytes.NewReader(body))
			if err != nil {
				return exchange{err: err}
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			ex := roundTrip(f.http, req)
			if ex.status != http.StatusUnauthorized || fcmErrorCode(ex.body) == "THIRD_PARTY_AUTH_ERROR" {
				return ex
			}
			// Our token was refused: refresh it once and repeat at once; if
			// a fresh token is refused too, the credentials are the problem.
			if refreshed {
				fatal = errors.New(fcmResult(m.Token, ex).Error)
				return ex
			}
			refreshed = true
			f.tokens.invalidate(tok)
		}
	})
	switch {
	case fatal != nil:
		return Result{Token: m.Token, Status: StatusError, Error: fatal.Error()}, fatal
	case err != nil:
		// Cancelled: Send's abort fills the result with the cause.
		return Result{}, nil
	}
	return fcmResult(m.Token, ex), nil
}

// fcmResult maps a finished exchange to a Result.
func fcmResult(token string, ex exchange) Result {
	if ex.failed() {
		return Result{Token: token, Status: StatusError, Error: ex.describe("FCM"), Temporary: true}
	}
	if ex.status == http.StatusOK {
		var ok struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(ex.body, &ok)
		return Result{Token: token, Status: StatusEnviado, ProviderID: ok.Name}
	}

	var eb fcmErrorBody
	if err := json.Unmarshal(ex.body, &eb); err != nil || eb.Error.Status == "" {
		return Result{Token: token, Status: StatusError, Error: fmt.Sprintf("FCM rechazó el mensaje (HTTP %d): %s", ex.status, snippet(ex.body))}
	}
	code, payloadField := eb.code()
	detail := fmt.Sprintf(" (HTTP %d %s: %s)", ex.status, code, eb.Error.Message)
	r := Result{Token: token, Status: StatusError}
	switch {
	case ex.status == http.StatusNotFound || code == "UNREGISTERED":
		r.Status, r.Error = StatusTokenInvalido, "el dispositivo ya no está registrado"+detail
	case code == "INVALID_ARGUMENT" && !payloadField:
		// FCM names no other field, so the token itself is what is invalid.
		r.Status, r.Error = StatusTokenInvalido, "token de FCM inválido"+detail
	case code == "INVALID_ARGUMENT":
		r.Error = "FCM rechazó el contenido del mensaje" + detail
	case code == "SENDER_ID_MISMATCH":
		r.Error = "el token pertenece a otro proyecto de Firebase" + detail
	case code == "THIRD_PARTY_AUTH_ERROR":
		r.Error = "credenciales APNs o web push inválidas en Firebase" + detail
	case ex.status == http.StatusUnauthorized || ex.status == http.StatusForbidden:
		r.Error = "FCM rechazó las credenciales de la cuenta de servicio" + detail
	default:
		r.Error = "FCM rechazó el mensaje" + detail
	}
	return r
}
