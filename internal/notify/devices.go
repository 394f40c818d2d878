package notify

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/push"
)

// ValidateDevice checks a dispositivo's token against its platform, so that a malformed
// token is refused when the app registers it rather than failing every later push.
func ValidateDevice(r *core.Record) validation.Errors {
	token := r.GetString("token")
	switch r.GetString("plataforma") {
	case PlataformaExpo:
		if !push.IsExpoToken(token) {
			return validation.Errors{"token": validation.NewError("sgul_token_expo", "El token de Expo no es válido (ExponentPushToken[...]).")}
		}
	case PlataformaFCM:
		if len(token) < 20 || strings.ContainsAny(token, " \t\r\n") {
			return validation.Errors{"token": validation.NewError("sgul_token_fcm", "El token de FCM no es válido.")}
		}
	}
	return nil
}

// FindDevice returns the dispositivo registered with token, or nil.
func FindDevice(app core.App, token string) (*core.Record, error) {
	if token == "" {
		return nil, nil
	}
	rec := &core.Record{}
	err := app.RecordQuery(ColDispositivos).AndWhere(dbx.HashExp{"token": token}).Limit(1).One(rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// TakeOver re-registers an existing device record for alumno: a token identifies one
// app installation, so when a student signs in on a phone that another (or he himself,
// before) registered, the token moves to him and is active again.
func TakeOver(dev *core.Record, alumno, plataforma string) {
	dev.Set("alumno", alumno)
	if plataforma != "" {
		dev.Set("plataforma", plataforma)
	}
	dev.Set("activo", true)
	dev.Set("ultimo_error", "")
	dev.Set("desactivado_en", "")
}
