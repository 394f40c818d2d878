package hooks

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/academic"
	"sgul/internal/access"
	"sgul/internal/audit"
)

// bindVouchers keeps vouchers as the student sent them: a new one is always Pendiente,
// and only the review endpoints change it.
func bindVouchers(app core.App) {
	app.OnRecordCreate(academic.ColVouchers).BindFunc(func(e *core.RecordEvent) error {
		academic.PrepareNewVoucher(e.Record)
		return e.Next()
	})
	app.OnRecordUpdate(academic.ColVouchers).BindFunc(func(e *core.RecordEvent) error {
		if err := academic.CheckVoucherUpdate(e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordValidate(academic.ColVouchers).BindFunc(func(e *core.RecordEvent) error {
		if !e.Record.IsNew() {
			return e.Next()
		}
		return mergeFieldErrors(e.Next(), academic.ValidateVoucher(e.App, e.Record, time.Now()))
	})
}

// bindVoucherRoutes registers the review of vouchers by staff with pagos:
//
//	POST /api/vouchers/{id}/aprobar             -> {voucher, pago, sin_cambios}
//	POST /api/vouchers/{id}/rechazar {motivo}   -> {voucher, pago: null, sin_cambios}
func bindVoucherRoutes(se *core.ServeEvent) {
	g := se.Router.Group("/api/vouchers")
	g.Bind(apis.RequireAuth())
	g.POST("/{id}/aprobar", func(e *core.RequestEvent) error {
		v, err := voucherForReview(e)
		if err != nil {
			return err
		}
		res, err := academic.AprobarVoucher(e.App, v.Id, audit.ActorFromAuth(e.Auth), time.Now())
		if err != nil {
			return voucherError(e, err, "No se pudo registrar el pago del voucher.")
		}
		return e.JSON(http.StatusOK, res)
	})
	g.POST("/{id}/rechazar", func(e *core.RequestEvent) error {
		v, err := voucherForReview(e)
		if err != nil {
			return err
		}
		var body struct {
			Motivo string `json:"motivo"`
		}
		if err := e.BindBody(&body); err != nil {
			return e.BadRequestError("Los datos enviados no tienen un formato válido.", err)
		}
		res, err := academic.RechazarVoucher(e.App, v.Id, body.Motivo, audit.ActorFromAuth(e.Auth), time.Now())
		if err != nil {
			return voucherError(e, err, "No se pudo rechazar el voucher.")
		}
		return e.JSON(http.StatusOK, res)
	})
}

// voucherForReview loads the path's voucher and checks that the caller holds pagos in
// the sede of its matrícula.
func voucherForReview(e *core.RequestEvent) (*core.Record, error) {
	if err := access.Require(e.App, e.Auth, access.Pagos); err != nil {
		return nil, err
	}
	v, err := e.App.FindRecordById(academic.ColVouchers, e.Request.PathValue("id"))
	if err != nil {
		return nil, e.NotFoundError("No se encontró el voucher.", nil)
	}
	matr, err := e.App.FindRecordById(academic.ColMatriculas, v.GetString("matricula"))
	if err != nil {
		return nil, e.NotFoundError("No se encontró el voucher.", nil)
	}
	if err := access.RequireSede(e.App, e.Auth, matr.GetString("sede")); err != nil {
		return nil, err
	}
	return v, nil
}

func voucherError(e *core.RequestEvent, err error, badRequest string) error {
	if errors.Is(err, academic.ErrVoucherCerrado) {
		return apis.NewApiError(http.StatusConflict, "El voucher ya fue revisado con otro resultado.", nil)
	}
	return apiError(err, badRequest)
}
