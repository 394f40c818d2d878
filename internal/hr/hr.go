// Package hr holds human resources: employees (pay data and its visibility), the
// monthly payroll (planillas) booked as a campus expense, and employee documents.
// Functions take a core.App so that hooks can pass the transaction's app.
package hr

import (
	"database/sql"
	"errors"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/finance"
)

// Collection names this package reads and writes.
const (
	ColEmpleados  = "empleados"
	ColPlanillas  = "planillas"
	ColGastos     = finance.Gastos
	ColDocumentos = "documentos"
)

// fieldErr is a field error with our code prefix and a Spanish message.
func fieldErr(code, message string) validation.Error {
	return validation.NewError("sgul_"+code, message)
}

func nonEmpty(errs validation.Errors) validation.Errors {
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func notFound(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// transitionKey is a custom (never stored) record key set by the code that is allowed
// to change a planilla's estado (PagarPlanilla, AnularPlanilla).
const transitionKey = "@sgul_planilla_transition"

func isTransition(r *core.Record) bool { return r.Get(transitionKey) == true }

// IsTransition reports whether r is being saved by PagarPlanilla or AnularPlanilla
// (which write their own audit rows).
func IsTransition(r *core.Record) bool { return isTransition(r) }
