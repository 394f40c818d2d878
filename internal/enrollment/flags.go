// Package enrollment is the road from lead to paying student: the lead lifecycle, the
// conversion into a matrícula with its payment schedule, payments booked as campus
// income exactly once, and voids.
package enrollment

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Custom (never persisted) record keys that let domain code make changes the hooks
// refuse to anyone else.
const (
	flagConversion = "@sgul_conversion" // lead -> Convertido
	flagVoid       = "@sgul_void"       // pago -> Anulado
	flagRecompute  = "@sgul_recompute"  // cuota pagado/estado

	// FlagSinCorreo on a new alumno skips its welcome mail (imports, demo).
	FlagSinCorreo = "@sgul_sin_correo"
)

// Flagged reports whether a custom flag is set on r.
func Flagged(r *core.Record, key string) bool { return flagged(r, key) }

func flagged(r *core.Record, key string) bool { v, _ := r.Get(key).(bool); return v }

func fieldErr(field, code, msg string) error {
	return validation.Errors{field: validation.NewError("sgul_"+code, msg)}
}
