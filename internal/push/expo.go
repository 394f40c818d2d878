package push

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

const (
	// DefaultExpoEndpoint is Expo's push send URL.
	DefaultExpoEndpoint = "https://exp.host/--/api/v2/push/send"
	// ExpoBatchSize is the most messages Expo accepts in one request.
	ExpoBatchSize = 100
	// gzipThreshold is the request size above which bodies are compressed,
	// as Expo's own SDK does.
	gzipThreshold = 1024
)

// ExpoConfig configures the Expo Push client. The zero value talks to Expo
// without an access token, with 3 retries and at most 30 s between them.
type ExpoConfig struct {
	// Endpoint defaults to DefaultExpoEndpoint.
	Endpoint string
	// ReceiptsEndpoint defaults to Endpoint with its final "/send" replaced by "/getReceipts".
	ReceiptsEndpoint string
	// AccessToken is sent as "Authorization: Bearer" when the Expo project
	// has enhanced push security enabled.
	AccessToken string
	// HTTPClient defaults to a client with a 30 s timeout.
	HTTPClient *http.Client
	// MaxRetries is how many times a 429/5xx/network failure is retried:
	// 0 means 3, negative means never.
	MaxRetries int
	// MaxBackoff caps each wait between retries (default 30 s). A Retry-After
	// longer than this ends the retries with a Temporary result.
	MaxBackoff time.Duration
}

// Expo sends notifications through the Expo Push Service in batches of
// ExpoBatchSize. It is safe for concurrent use.
type Expo struct {
	endpoint    string
	receiptsURL string
	accessToken string
	http        *http.Client
	retry       retryPolicy
}

var _ Sender = (*Expo)(nil)

// NewExpo returns an Expo client for cfg.
func NewExpo(cfg ExpoConfig) *Expo {
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = DefaultExpoEndpoint
	}
	receipts := cfg.ReceiptsEndpoint
	if receipts == "" {
		receipts = strings.TrimSuffix(endpoint, "/send") + "/getReceipts"
	}
	return &Expo{
		endpoint:    endpoint,
		receiptsURL: receipts,
		accessToken: cfg.AccessToken,
		http:        defaultHTTPClient(cfg.HTTPClient),
		retry:       newRetryPolicy(cfg.MaxRetries, cfg.MaxBackoff),
	}
}

// Provider returns "expo".
func (e *Expo) Provider() string { return "expo" }

var expoTokenRE = regexp.MustCompile(`^(?:(?:ExponentPushToken|ExpoPushToken)\[[^\]]+\]|[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12})$`)

// IsExpoToken reports whether token has the shape of an Expo push token.
// Send never transmits other tokens: Expo rejects a whole batch for one
// malformed recipient.
func IsExpoToken(token string) bool { return expoTokenRE.MatchString(token) }

// expoMessage is one element of the JSON array POSTed to /push/send.
type expoMessage struct {
	To    string            `json:"to"`
	Title string            `json:"title,omitempty"`
	Body  string            `json:"body,omitempty"`
	Data  map[string]string `json:"data,omitempty"`
	Sound string            `json:"sound,omitempty"`
}

// expoTicket is Expo's per-message answer (also the shape of a receipt).
type expoTicket struct {
	Status  string `json:"status"`
	ID      string `json:"id"`
	Message string `json:"message"`
	Details struct {
		Error string `json:"error"`
	} `json:"details"`
}

// expoEnvelope is every Expo API response: data on success, errors when the
// whole request failed.
type expoEnvelope struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"errors"`
}

// Send delivers msgs in batches of ExpoBatchSize, one request at a time.
// Malformed tokens get StatusTokenInvalido without being sent.
func (e *Expo) Send(ctx context.Context, msgs []Message) ([]Result, error) {
	results := make([]Result, len(msgs))
	batch := make([]int, 0, ExpoBatchSize)
	for i, m := range msgs {
		if !IsExpoToken(m.Token) {
			results[i] = Result{Token: m.Token, Status: StatusTokenInvalido, Error: "token de Expo con formato inválido"}
			continue
		}
		batch = append(batch, i)
		if len(batch) == ExpoBatchSize {
			if err := e.sendBatch(ctx, msgs, batch, results); err != nil {
				return e.abort(results, msgs, err)
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := e.sendBatch(ctx, msgs, batch, results); err != nil {
			return e.abort(results, msgs, err)
		}
	}
	return results, nil
}

// abort completes the results of a cancelled Send.
func (e *Expo) abort(results []Result, msgs []Message, err error) ([]Result, error) {
	failAll(results, msgs, "no enviado: "+err.Error(), true)
	return results, err
}

// sendBatch sends msgs[idx...] in one request and fills their results.
// It returns an error only when ctx ended.
func (e *Expo) sendBatch(ctx context.Context, msgs []Message, idx []int, results []Result) error {
	payload := make([]expoMessage, len(idx))
	for j, i := range idx {
		m := msgs[i]
		payload[j] = expoMessage{To: m.Token, Title: m.Title, Body: m.Body, Data: m.Data, Sound: m.Sound}
	}
	fail := func(reason string, temporary bool) {
		for _, i := range idx {
			results[i] = Result{Token: msgs[i].Token, Status: StatusError, Error: reason, Temporary: temporary}
		}
	}

	ex, err := e.post(ctx, e.endpoint, payload)
	if err != nil {
		return err
	}
	data, reason, temporary := expoData(ex)
	if reason != "" {
		fail(reason, temporary)
		return nil
	}
	var tickets []expoTicket
	if err := json.Unmarshal(data, &tickets); err != nil || len(tickets) != len(idx) {
		fail(fmt.Sprintf("respuesta inesperada de Expo: %d tickets para %d mensajes", len(tickets), len(idx)), false)
		return nil
	}
	for j, i := range idx {
		results[i] = expoResult(msgs[i].Token, tickets[j])
	}
	return nil
}

// expoData extracts the data member of a finished exchange, or explains why
// the whole request failed.
func expoData(ex exchange) (data json.RawMessage, reason string, temporary bool) {
	if ex.failed() {
		return nil, ex.describe("Expo"), true
	}
	var env expoEnvelope
	jsonErr := json.Unmarshal(ex.body, &env)
	if len(env.Errors) > 0 {
		first := env.Errors[0]
		return nil, fmt.Sprintf("Expo rechazó la solicitud (HTTP %d, %s: %s)", ex.status, first.Code, first.Message), false
	}
	if ex.status != http.StatusOK || jsonErr != nil {
		return nil, fmt.Sprintf("Expo rechazó la solicitud (HTTP %d): %s", ex.status, snippet(ex.body)), false
	}
	return env.Data, "", false
}

// expoResult maps a ticket to a Result.
func expoResult(token string, t expoTicket) Result {
	if t.Status == "ok" {
		return Result{Token: token, Status: StatusEnviado, ProviderID: t.ID}
	}
	r := Result{Token: token, Status: StatusError, ProviderID: t.ID}
	r.Status, r.Error, r.Temporary = expoError(t)
	return r
}

// expoError translates Expo's error codes (tickets and receipts share them).
func expoError(t expoTicket) (status, text string, temporary bool) {
	status = StatusError
	switch t.Details.Error {
	case "DeviceNotRegistered":
		status, text = StatusTokenInvalido, "el dispositivo ya no está registrado"
	case "MessageTooBig":
		text = "el mensaje supera el tamaño permitido"
	case "MessageRateExceeded":
		text, temporary = "demasiados mensajes a este dispositivo; reintentar más tarde", true
	case "InvalidCredentials", "MismatchSenderId":
		text = "credenciales push de la app inválidas en Expo"
	default:
		text = "Expo rechazó el mensaje"
	}
	if t.Details.Error != "" || t.Message != "" {
		text = fmt.Sprintf("%s (%s: %s)", text, t.Details.Error, t.Message)
	}
	return status, text, temporary
}

// post sends body as JSON to url, with retries. The error is non-nil only if ctx ended.
func (e *Expo) post(ctx context.Context, url string, body any) (exchange, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return exchange{err: err}, nil
	}
	encoding := ""
	if len(raw) > gzipThreshold {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(raw)
		_ = zw.Close()
		raw, encoding = buf.Bytes(), "gzip"
	}
	return e.retry.do(ctx, func() exchange {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
		if err != nil {
			return exchange{err: err}
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("Content-Type", "application/json")
		if encoding != "" {
			req.Header.Set("Content-Encoding", encoding)
		}
		if e.accessToken != "" {
			req.Header.Set("Authorization", "Bearer "+e.accessToken)
		}
		return roundTrip(e.http, req)
	})
}
