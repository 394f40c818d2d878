package academic

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/access"
)

// Teaches reports whether user is assigned as a teacher of programa.
func Teaches(app core.App, userID, programaID string) bool {
	if userID == "" || programaID == "" {
		return false
	}
	var n int
	err := app.DB().Select("COUNT(*)").From(ColDocentes).
		Where(dbx.HashExp{"docente": userID, "programa": programaID}).Row(&n)
	return err == nil && n > 0
}

// MayRecordFor reports whether auth may record perm data (access.Notas or
// access.Asistencias) of the matrícula matr. It mirrors the notas/asistencias API
// rules: staff with perm work on the matrículas of their sedes, unless their role is
// limited to assigned programs; a teacher works on the programs it teaches.
func MayRecordFor(app core.App, auth *core.Record, perm string, matr *core.Record) bool {
	if access.IsSuperuser(auth) {
		return true
	}
	if !access.Has(app, auth, perm) {
		return false
	}
	if Teaches(app, auth.Id, matr.GetString("programa")) {
		return true
	}
	return !access.OnlyAssignedPrograms(app, auth) && access.InSede(app, auth, matr.GetString("sede"))
}
