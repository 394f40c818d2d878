package hooks

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/access"
	"sgul/internal/audit"
	"sgul/internal/notify"
)

// bindNotifyRoutes registers POST /api/notificaciones/anuncio.
func bindNotifyRoutes(se *core.ServeEvent) {
	se.Router.POST("/api/notificaciones/anuncio", handleAnuncio).Bind(apis.BodyLimit(64 << 10))
}

// handleAnuncio answers POST /api/notificaciones/anuncio {titulo, mensaje, audiencia:
// {sede, programa, estado}} for staff with notificaciones, within their sedes: 202 with
// the announcement id and its number of students; the notifications are written by a
// background job.
func handleAnuncio(e *core.RequestEvent) error {
	if err := access.Require(e.App, e.Auth, access.Notificaciones); err != nil {
		return err
	}
	var in notify.Anuncio
	if err := e.BindBody(&in); err != nil {
		return router.NewBadRequestError("Los datos enviados no tienen un formato válido.", nil)
	}
	sedes := access.Sedes(e.App, e.Auth)
	if s := in.Audiencia.Sede; s != "" {
		if !access.InSede(e.App, e.Auth, s) {
			return router.NewForbiddenError("No tiene acceso a esta sede.", nil)
		}
		sedes = []string{s}
	}
	if err := in.Validate(e.App, sedes); err != nil {
		return apiError(err, "No se pudo enviar el anuncio.")
	}
	res, err := in.Submit(e.App, sedes, audit.ActorFromAuth(e.Auth))
	if err != nil {
		return apiError(err, "No se pudo enviar el anuncio.")
	}
	return e.JSON(http.StatusAccepted, res)
}

// bindDevices lets the student's app register its push token: the device is always the
// caller's and active, the token must fit its platform, and a token already known (the
// same phone, re-installed or signed in by another student) is taken over instead of
// failing on the unique index.
func bindDevices(app core.App) {
	app.OnRecordCreateRequest(notify.ColDispositivos).BindFunc(func(e *core.RecordRequestEvent) error {
		if access.IsStudent(e.Auth) {
			e.Record.Set("alumno", e.Auth.Id)
		}
		e.Record.Set("activo", true)
		existing, err := notify.FindDevice(e.App, e.Record.GetString("token"))
		if err != nil {
			return err
		}
		if existing == nil {
			return e.Next()
		}
		if errs := notify.ValidateDevice(e.Record); errs != nil {
			return router.NewBadRequestError("No se pudo registrar el dispositivo.", errs)
		}
		notify.TakeOver(existing, e.Record.GetString("alumno"), e.Record.GetString("plataforma"))
		if err := e.App.Save(existing); err != nil {
			return err
		}
		if err := apis.EnrichRecord(e.RequestEvent, existing); err != nil {
			return err
		}
		return e.JSON(http.StatusOK, existing)
	})
	app.OnRecordValidate(notify.ColDispositivos).BindFunc(func(e *core.RecordEvent) error {
		return mergeFieldErrors(e.Next(), notify.ValidateDevice(e.Record))
	})
}
