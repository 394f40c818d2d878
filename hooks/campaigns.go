package hooks

import (
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/access"
	"sgul/internal/campaigns"
)

// bindCampaigns keeps campaigns consistent: staff move them only through the allowed
// estados, content is checked (templates render, audience exists), and a campaign that
// becomes Programada gets its sending job in the same transaction.
func bindCampaigns(app core.App) {
	app.OnRecordCreateRequest(campaigns.ColCampanas).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.Record.GetString("estado") == "" {
			e.Record.Set("estado", campaigns.Borrador)
		}
		if err := campaigns.CheckStaffChange(nil, e.Record); err != nil {
			return err
		}
		if access.IsStaff(e.Auth) {
			e.Record.Set("creado_por", e.Auth.Id)
		}
		return e.Next()
	})
	app.OnRecordUpdateRequest(campaigns.ColCampanas).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := campaigns.CheckStaffChange(e.Record.Original(), e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordValidate(campaigns.ColCampanas).BindFunc(func(e *core.RecordEvent) error {
		if !e.Record.IsNew() && !campaignContentChanged(e.Record) {
			return e.Next()
		}
		var errs validation.Errors
		if err := campaigns.Validate(e.App, e.Record); err != nil && !errors.As(err, &errs) {
			return err
		}
		return mergeFieldErrors(e.Next(), errs)
	})
	schedule := func(e *core.RecordEvent, before *core.Record) error {
		if !campaigns.NeedsScheduling(before, e.Record) {
			return e.Next()
		}
		campaigns.PrepareScheduling(e.Record)
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return campaigns.Schedule(tx, e.Record)
		})
	}
	app.OnRecordCreateExecute(campaigns.ColCampanas).BindFunc(func(e *core.RecordEvent) error {
		return schedule(e, nil)
	})
	app.OnRecordUpdateExecute(campaigns.ColCampanas).BindFunc(func(e *core.RecordEvent) error {
		return schedule(e, e.Record.Original())
	})
}

func campaignContentChanged(r *core.Record) bool {
	for _, f := range []string{"asunto", "cuerpo", "audiencia", "programa", "estado_destinatario", "sede"} {
		if fmt.Sprint(r.Get(f)) != fmt.Sprint(r.Original().Get(f)) {
			return true
		}
	}
	return false
}

// bindCampaignRoutes registers the public unsubscribe endpoint of campaign e-mails:
//
//	GET  /api/campanas/baja?token=...   the link in the message body
//	POST /api/campanas/baja?token=...   one-click unsubscribe (RFC 8058, List-Unsubscribe-Post)
func bindCampaignRoutes(se *core.ServeEvent) {
	se.Router.GET(campaigns.UnsubscribePath, func(e *core.RequestEvent) error {
		return handleBaja(e, "Enlace de baja del correo")
	})
	se.Router.POST(campaigns.UnsubscribePath, func(e *core.RequestEvent) error {
		return handleBaja(e, "Baja con un clic desde el programa de correo")
	})
}

// handleBaja records the opt-out of the address signed in the token and answers with a
// small Spanish page. Any later campaign skips the address.
func handleBaja(e *core.RequestEvent, motivo string) error {
	email, campana, err := campaigns.ParseUnsubscribeToken(e.App, e.Request.URL.Query().Get("token"))
	if errors.Is(err, campaigns.ErrBadToken) {
		return e.HTML(http.StatusBadRequest, bajaPage("Enlace no válido",
			"El enlace de baja no es válido o está incompleto. Copie el enlace completo desde el correo."))
	}
	if err != nil {
		return e.InternalServerError("No se pudo registrar la baja; inténtelo más tarde.", err)
	}
	if _, err := campaigns.OptOut(e.App, email, campana, motivo); err != nil {
		return e.InternalServerError("No se pudo registrar la baja; inténtelo más tarde.", err)
	}
	return e.HTML(http.StatusOK, bajaPage("Listo",
		"La dirección "+maskEmail(email)+" ya no recibirá nuestros correos informativos. Los avisos de su matrícula y pagos no se ven afectados."))
}

func bajaPage(title, msg string) string {
	return `<!doctype html><html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
		`<title>` + html.EscapeString(title) + `</title></head><body style="font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em">` +
		`<h1>` + html.EscapeString(title) + `</h1><p>` + html.EscapeString(msg) + `</p></body></html>`
}

// maskEmail shows enough of an address to recognise it: "an***@gmail.com".
func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return "***"
	}
	r := []rune(local)
	if len(r) > 2 {
		r = r[:2]
	}
	return string(r) + "***@" + domain
}
