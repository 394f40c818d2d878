package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/jwt"
)

const (
	// FCMScope is the OAuth2 scope FCM HTTP v1 requires.
	FCMScope              = "https://www.googleapis.com/auth/firebase.messaging"
	defaultGoogleTokenURL = "https://oauth2.googleapis.com/token"
)

// serviceAccount holds the fields we use from a Google service account key file.
type serviceAccount struct {
	Type         string `json:"type"`
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	TokenURI     string `json:"token_uri"`
}

func parseServiceAccount(raw []byte) (serviceAccount, error) {
	var sa serviceAccount
	if err := json.Unmarshal(raw, &sa); err != nil {
		return sa, fmt.Errorf("la cuenta de servicio de Firebase no es un JSON válido: %w", err)
	}
	if sa.Type != "" && sa.Type != "service_account" {
		return sa, fmt.Errorf("la credencial de Firebase es de tipo %q; se espera \"service_account\"", sa.Type)
	}
	if sa.ClientEmail == "" || sa.PrivateKey == "" {
		return sa, errors.New("a la cuenta de servicio de Firebase le falta client_email o private_key")
	}
	return sa, nil
}

// tokenCache shares one access token among workers and refreshes it when it
// expires or when FCM answers 401.
type tokenCache struct {
	conf *jwt.Config
	http *http.Client

	mu  sync.Mutex
	tok *oauth2.Token
}

// tokenError is a failed token request; temporary when the token endpoint was
// unreachable or answered 429/5xx.
type tokenError struct {
	err       error
	temporary bool
}

func (e *tokenError) Error() string {
	return "no se pudo obtener el token de acceso de Google: " + e.err.Error()
}

func (e *tokenError) Unwrap() error { return e.err }

// get returns a valid token, fetching a new one if needed. Holding the lock
// while fetching makes concurrent workers wait for a single request.
func (c *tokenCache) get(ctx context.Context) (*oauth2.Token, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok.Valid() {
		return c.tok, nil
	}
	// jwt.Config posts without a context; a per-call client carries ours.
	ctx = context.WithValue(ctx, oauth2.HTTPClient, withContext(ctx, c.http))
	tok, err := c.conf.TokenSource(ctx).Token()
	if err != nil {
		temporary := true
		if re, ok := errors.AsType[*oauth2.RetrieveError](err); ok && re.Response != nil {
			temporary = transientStatus(re.Response.StatusCode)
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, &tokenError{err: err, temporary: temporary}
	}
	c.tok = tok
	return tok, nil
}

// invalidate drops tok if it is still the cached one, so the next get refreshes.
func (c *tokenCache) invalidate(tok *oauth2.Token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tok == tok {
		c.tok = nil
	}
}

// withContext returns a copy of base whose requests carry ctx.
func withContext(ctx context.Context, base *http.Client) *http.Client {
	c := *base
	rt := base.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.Transport = ctxTransport{ctx: ctx, base: rt}
	return &c
}

type ctxTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

func (t ctxTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(req.WithContext(t.ctx))
}
