// Package academic holds the rules of academic life: programs and their curricula
// (malla), grades, attendance, and the student's own view (summaries, account
// statement and payment vouchers). Functions take a core.App so that hooks can pass
// the transaction's app.
package academic

import (
	"database/sql"
	"errors"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Collection names this package reads and writes.
const (
	ColProgramas   = "programas"
	ColMalla       = "malla"
	ColMatriculas  = "matriculas"
	ColNotas       = "notas"
	ColAsistencias = "asistencias"
	ColCuotas      = "cuotas"
	ColPagos       = "pagos"
	ColVouchers    = "vouchers"
	ColDocentes    = "docentes_programa"
)

// EstadoActivo is the estado of a matrícula that still studies.
const EstadoActivo = "Activo"

// fieldErr is a field error with our code prefix and a Spanish message.
func fieldErr(code, message string) validation.Error {
	return validation.NewError("sgul_"+code, message)
}

// notFound reports whether err means "no such row".
func notFound(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// findOptional returns the record with id, nil when id is empty or missing.
func findOptional(app core.App, collection, id string) (*core.Record, error) {
	if id == "" {
		return nil, nil
	}
	r, err := app.FindRecordById(collection, id)
	if notFound(err) {
		return nil, nil
	}
	return r, err
}
