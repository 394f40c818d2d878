package campaigns

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// secretName is the secretos row whose valor keys the unsubscribe tokens. It is random,
// server-only (no API rules, hidden field) and created by the migration.
const secretName = "baja_correo"

const keyStoreKey = "sgul.campanas.bajaKey"

// ErrBadToken is returned for a forged, truncated or foreign unsubscribe token.
var ErrBadToken = errors.New("campanas: enlace de baja inválido")

// UnsubscribePath is the public route that records an opt-out.
const UnsubscribePath = "/api/campanas/baja"

// unsubscribeKey returns the HMAC key, creating it the first time if the row is missing.
func unsubscribeKey(app core.App) ([]byte, error) {
	if k, ok := app.Store().Get(keyStoreKey).([]byte); ok {
		return k, nil
	}
	rec := &core.Record{}
	err := app.RecordQuery("secretos").AndWhere(dbx.HashExp{"nombre": secretName}).Limit(1).One(rec)
	if errors.Is(err, sql.ErrNoRows) {
		col, cerr := app.FindCachedCollectionByNameOrId("secretos")
		if cerr != nil {
			return nil, cerr
		}
		rec = core.NewRecord(col)
		rec.Set("nombre", secretName)
		rec.Set("valor", security.RandomString(64))
		if err := app.Save(rec); err != nil {
			// another worker created it first: read theirs
			rec = &core.Record{}
			if err := app.RecordQuery("secretos").AndWhere(dbx.HashExp{"nombre": secretName}).Limit(1).One(rec); err != nil {
				return nil, err
			}
		}
	} else if err != nil {
		return nil, err
	}
	k := []byte(rec.GetString("valor"))
	if len(k) < 32 {
		return nil, errors.New("campanas: clave de bajas demasiado corta")
	}
	app.Store().Set(keyStoreKey, k)
	return k, nil
}

// NormalizeEmail is how addresses are compared and stored for opt-outs.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func mac(key []byte, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("sgul-baja-v1\x00"))
	h.Write([]byte(payload))
	return h.Sum(nil)
}

// UnsubscribeToken signs (email, campaign) so that only the recipient's own link can
// unsubscribe that address.
func UnsubscribeToken(app core.App, email, campana string) (string, error) {
	key, err := unsubscribeKey(app)
	if err != nil {
		return "", err
	}
	payload := NormalizeEmail(email) + "\x00" + campana
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(mac(key, payload)), nil
}

// ParseUnsubscribeToken verifies a token and returns its address and campaign.
func ParseUnsubscribeToken(app core.App, token string) (email, campana string, err error) {
	enc := base64.RawURLEncoding
	head, sig, ok := strings.Cut(strings.TrimSpace(token), ".")
	if !ok {
		return "", "", ErrBadToken
	}
	raw, err1 := enc.DecodeString(head)
	got, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return "", "", ErrBadToken
	}
	key, err := unsubscribeKey(app)
	if err != nil {
		return "", "", err
	}
	if !hmac.Equal(got, mac(key, string(raw))) {
		return "", "", ErrBadToken
	}
	email, campana, _ = strings.Cut(string(raw), "\x00")
	if email == "" {
		return "", "", ErrBadToken
	}
	return email, campana, nil
}

// UnsubscribeURL is the absolute link put in each message and in its List-Unsubscribe
// header, under the application URL of PocketBase's settings.
func UnsubscribeURL(app core.App, email, campana string) (string, error) {
	tok, err := UnsubscribeToken(app, email, campana)
	if err != nil {
		return "", err
	}
	base := strings.TrimRight(app.Settings().Meta.AppURL, "/")
	return base + UnsubscribePath + "?token=" + url.QueryEscape(tok), nil
}

// OptOut records that email wants no more campaigns (idempotent: a second click keeps
// the first record).
func OptOut(app core.App, email, campana, motivo string) (*core.Record, error) {
	email = NormalizeEmail(email)
	if existing, err := findOptOut(app, email); err != nil || existing != nil {
		return existing, err
	}
	col, err := app.FindCachedCollectionByNameOrId(ColBajas)
	if err != nil {
		return nil, err
	}
	rec := core.NewRecord(col)
	rec.Set("email", email)
	rec.Set("motivo", motivo)
	rec.Set("fecha", time.Now().UTC())
	if campana != "" {
		if _, err := app.FindRecordById(ColCampanas, campana); err == nil {
			rec.Set("campana", campana)
		}
	}
	if err := app.Save(rec); err != nil {
		if again, ferr := findOptOut(app, email); ferr == nil && again != nil {
			return again, nil // a concurrent click won
		}
		return nil, fmt.Errorf("campanas: registrar baja: %w", err)
	}
	return rec, nil
}

// OptedOut reports whether email unsubscribed.
func OptedOut(app core.App, email string) (bool, error) {
	r, err := findOptOut(app, NormalizeEmail(email))
	return r != nil, err
}

func findOptOut(app core.App, email string) (*core.Record, error) {
	rec := &core.Record{}
	err := app.RecordQuery(ColBajas).AndWhere(dbx.NewExp("email = {:e} COLLATE NOCASE", dbx.Params{"e": email})).Limit(1).One(rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return rec, nil
}
