package hooks

import (
	"context"
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/access"
	"sgul/internal/audit"
	"sgul/internal/enrollment"
	"sgul/internal/idempotency"
	"sgul/internal/jobs"
)

// bindEnrollment wires the lead lifecycle, the conversion, the payment schedule and payments.
func bindEnrollment(app core.App, cfg *Config, q *jobs.Queue) {
	// Leads: lifecycle and interaction log.
	app.OnRecordCreate("leads").BindFunc(func(e *core.RecordEvent) error {
		enrollment.PrepareLead(e.Record)
		return e.Next()
	})
	app.OnRecordCreateExecute("leads").BindFunc(func(e *core.RecordEvent) error {
		if err := enrollment.ValidateNewLead(e.App, e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return enrollment.LogNewLead(tx, e.Record)
		})
	})
	app.OnRecordUpdateExecute("leads").BindFunc(func(e *core.RecordEvent) error {
		if err := enrollment.ValidateLeadUpdate(e.App, e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return enrollment.LogLeadChange(tx, e.Record)
		})
	})
	app.OnRecordCreateRequest("interacciones").BindFunc(func(e *core.RecordRequestEvent) error {
		if e.Auth != nil && e.Auth.Collection().Name == "users" {
			e.Record.Set("usuario", e.Auth.Id)
		}
		return e.Next()
	})

	// New students choose their own password from PocketBase's reset mail, queued in the
	// same transaction as the account (a rolled-back conversion sends nothing).
	q.Register(jobWelcomeMail, func(ctx context.Context, app core.App, job *jobs.Job) error {
		var p struct{ Alumno string }
		if err := job.Decode(&p); err != nil {
			return err
		}
		alumno, err := app.FindRecordById("alumnos", p.Alumno)
		if err != nil {
			return nil // the account is gone: nothing to send
		}
		return mails.SendRecordPasswordReset(app, alumno)
	})
	app.OnRecordCreateExecute("alumnos").BindFunc(func(e *core.RecordEvent) error {
		if enrollment.Flagged(e.Record, enrollment.FlagSinCorreo) {
			return e.Next()
		}
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			_, err := jobs.Enqueue(tx, jobWelcomeMail, map[string]string{"Alumno": e.Record.Id}, jobs.WithKey("bienvenida:"+e.Record.Id))
			return err
		})
	})

	// Matrículas: the payment schedule is written with the matrícula, whatever the path.
	app.OnRecordCreate("matriculas").BindFunc(func(e *core.RecordEvent) error {
		enrollment.PrepareMatricula(e.Record)
		return e.Next()
	})
	app.OnRecordCreateExecute("matriculas").BindFunc(func(e *core.RecordEvent) error {
		if err := enrollment.ValidateNewMatricula(e.App, e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return enrollment.GenerateCuotas(tx, e.Record, cfg.DueDay)
		})
	})
	app.OnRecordUpdateExecute("matriculas").BindFunc(func(e *core.RecordEvent) error {
		if err := enrollment.ValidateMatriculaUpdate(e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			if e.Record.GetString("estado") == enrollment.MatriculaRetirado && e.Record.Original().GetString("estado") != enrollment.MatriculaRetirado {
				return enrollment.CancelOpenCuotas(tx, e.Record.Id)
			}
			return nil
		})
	})

	// Cuotas: amounts and state follow the pagos; only the due date is edited by hand.
	app.OnRecordUpdateExecute("cuotas").BindFunc(func(e *core.RecordEvent) error {
		if err := enrollment.ValidateCuotaUpdate(e.Record); err != nil {
			return err
		}
		return e.Next()
	})

	// Pagos: ingreso, cuota and audit in the pago's transaction; never edited or deleted.
	app.OnRecordCreateRequest("pagos").BindFunc(handlePagoCreateRequest)
	app.OnRecordCreate("pagos").BindFunc(func(e *core.RecordEvent) error {
		enrollment.PreparePago(e.App, e.Record)
		return e.Next()
	})
	app.OnRecordCreateExecute("pagos").BindFunc(func(e *core.RecordEvent) error {
		return inTx(e, func(tx core.App) error {
			if err := enrollment.ValidateNewPago(tx, e.Record); err != nil {
				return err
			}
			if key, _ := e.Record.Get(idemKeyFlag).(string); key != "" {
				if err := idempotency.Claim(tx, audit.ActorOf(e.Record).Label, pagoRoute, key, "pagos", e.Record.Id); err != nil {
					return err
				}
			}
			if err := e.Next(); err != nil {
				return err
			}
			return enrollment.BookPago(tx, e.Record)
		})
	})
	app.OnRecordUpdateExecute("pagos").BindFunc(func(e *core.RecordEvent) error {
		if err := enrollment.ValidatePagoUpdate(e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordDelete("pagos").BindFunc(func(e *core.RecordEvent) error {
		return router.NewBadRequestError("Los pagos no se eliminan; anúlelos indicando el motivo.", nil)
	})
	app.OnRecordDelete("ingresos", "gastos").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("origen") != "Manual" {
			return router.NewBadRequestError("Este movimiento se generó automáticamente y no se puede eliminar.", nil)
		}
		return e.Next()
	})

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		for _, p := range []string{"/api/matriculas", "/api/matriculas/{$}"} {
			se.Router.POST(p, handleConvert).Bind(apis.BodyLimit(12 << 20))
		}
		se.Router.POST("/api/pagos/{id}/anular", handleVoidPago)
		se.Router.GET("/api/matriculas/{id}/estado-cuenta", handleEstadoCuenta)
		return se.Next()
	})
}

const (
	jobWelcomeMail = "correo_bienvenida_alumno"
	pagoRoute      = "POST /api/collections/pagos/records"
	idemKeyFlag    = "@sgul_idempotency_key"
)

// handlePagoCreateRequest honours Idempotency-Key on pago creation: a retry answers with
// the pago the first request created.
func handlePagoCreateRequest(e *core.RecordRequestEvent) error {
	key := e.Request.Header.Get(idempotency.Header)
	if key == "" {
		return e.Next()
	}
	if !idempotency.Valid(key) {
		return router.NewBadRequestError("La cabecera Idempotency-Key no es válida.", nil)
	}
	actor := audit.ActorFromAuth(e.Auth).Label
	replay := func() error {
		id := idempotency.Find(e.App, actor, pagoRoute, key)
		pago, err := e.App.FindRecordById("pagos", id)
		if err != nil {
			return err
		}
		if err := apis.EnrichRecord(e.RequestEvent, pago); err != nil {
			return err
		}
		return e.JSON(http.StatusOK, pago)
	}
	if idempotency.Find(e.App, actor, pagoRoute, key) != "" {
		return replay()
	}
	e.Record.Set(idemKeyFlag, key)
	err := e.Next()
	if errors.Is(err, idempotency.ErrReplay) {
		return replay()
	}
	return err
}

// handleConvert answers POST /api/matriculas/: the conversion of a lead. Who may convert
// is answered before the body is read: a guest gets 401 and staff without matriculas 403,
// whatever they sent.
func handleConvert(e *core.RequestEvent) error {
	if err := access.Require(e.App, e.Auth, access.Matriculas); err != nil {
		return err
	}
	var in enrollment.ConvertInput
	if err := e.BindBody(&in); err != nil {
		return router.NewBadRequestError("Los datos enviados no tienen un formato válido.", nil)
	}
	if key := e.Request.Header.Get(idempotency.Header); key != "" {
		if !idempotency.Valid(key) {
			return router.NewBadRequestError("La cabecera Idempotency-Key no es válida.", nil)
		}
		in.IdempotencyKey = key
	}
	for field, dst := range map[string]**filesystem.File{"archivo_dni": &in.ArchivoDNI, "archivo_partida": &in.ArchivoPartida} {
		files, err := e.FindUploadedFiles(field)
		if err == nil && len(files) > 0 {
			*dst = files[0]
		}
	}
	conv, err := enrollment.Convert(e.App, e.Auth, in)
	if err != nil {
		return err
	}
	cuotas, err := e.App.FindRecordsByFilter("cuotas", "matricula = {:m}", "vencimiento,numero", 0, 0, map[string]any{"m": conv.Matricula.Id})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if conv.Replayed {
		status = http.StatusOK
	}
	return e.JSON(status, map[string]any{"matricula": conv.Matricula, "alumno": conv.Alumno, "cuotas": cuotas, "reintento": conv.Replayed})
}

// handleVoidPago answers POST /api/pagos/{id}/anular {motivo}.
func handleVoidPago(e *core.RequestEvent) error {
	if err := access.Require(e.App, e.Auth, access.Pagos); err != nil {
		return err
	}
	pago, err := e.App.FindRecordById("pagos", e.Request.PathValue("id"))
	if err != nil || !access.InSede(e.App, e.Auth, pago.GetString("sede")) {
		return router.NewNotFoundError("El pago no existe.", nil)
	}
	var body struct {
		Motivo string `json:"motivo" form:"motivo"`
	}
	if err := e.BindBody(&body); err != nil {
		return router.NewBadRequestError("Los datos enviados no tienen un formato válido.", nil)
	}
	voided, err := enrollment.VoidPago(e.App, pago.Id, body.Motivo, audit.ActorFromAuth(e.Auth))
	if err != nil {
		return err
	}
	if err := apis.EnrichRecord(e, voided); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, voided)
}

// handleEstadoCuenta answers GET /api/matriculas/{id}/estado-cuenta for staff of the
// matrícula's sede and for the student himself.
func handleEstadoCuenta(e *core.RequestEvent) error {
	if e.Auth == nil {
		return router.NewUnauthorizedError("", nil)
	}
	mat, err := e.App.FindRecordById("matriculas", e.Request.PathValue("id"))
	if err != nil {
		return router.NewNotFoundError("La matrícula no existe.", nil)
	}
	allowed := (access.IsStudent(e.Auth) && mat.GetString("alumno") == e.Auth.Id) ||
		(access.Has(e.App, e.Auth, access.Matriculas, access.Pagos, access.Finanzas) && access.InSede(e.App, e.Auth, mat.GetString("sede")))
	if !allowed {
		return router.NewNotFoundError("La matrícula no existe.", nil)
	}
	st, err := enrollment.EstadoCuenta(e.App, mat)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, st)
}
