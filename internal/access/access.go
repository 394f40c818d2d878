// Package access answers who may do what in Go code (business endpoints, jobs). The
// collection API uses the equivalent API rules written in the schema migrations.
package access

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Permission codes a role can grant.
const (
	Dashboard       = "dashboard"
	Leads           = "leads"
	CrearLead       = "crear_lead"
	Matriculas      = "matriculas"
	Pagos           = "pagos"
	MallaCurricular = "malla_curricular"
	Notas           = "notas"
	Asistencias     = "asistencias"
	Empleados       = "empleados"
	NuevoEmpleado   = "nuevo_empleado"
	Planillas       = "planillas"
	Documentacion   = "documentacion"
	Finanzas        = "finanzas"
	Reportes        = "reportes"
	Campanas        = "campanas"
	Notificaciones  = "notificaciones"
	Roles           = "roles"
)

// Permissions lists every permission code.
var Permissions = []string{Dashboard, Leads, CrearLead, Matriculas, Pagos, MallaCurricular, Notas,
	Asistencias, Empleados, NuevoEmpleado, Planillas, Documentacion, Finanzas, Reportes, Campanas,
	Notificaciones, Roles}

// IsSuperuser reports whether auth is a PocketBase superuser.
func IsSuperuser(auth *core.Record) bool { return auth != nil && auth.IsSuperuser() }

// IsStaff reports whether auth is an active staff user.
func IsStaff(auth *core.Record) bool {
	return auth != nil && auth.Collection().Name == "users" && auth.GetBool("activo")
}

// IsStudent reports whether auth is a student (alumnos).
func IsStudent(auth *core.Record) bool { return auth != nil && auth.Collection().Name == "alumnos" }

// Effective returns the effective permission codes of a staff user: its role's plus its own.
func Effective(app core.App, auth *core.Record) []string {
	if !IsStaff(auth) {
		return nil
	}
	perms := auth.GetStringSlice("permisos_extra")
	if rolID := auth.GetString("rol"); rolID != "" {
		if rol, err := app.FindRecordById("roles", rolID); err == nil {
			perms = append(perms, rol.GetStringSlice("permisos")...)
		}
	}
	slices.Sort(perms)
	return slices.Compact(perms)
}

// Has reports whether auth holds any of the codes. Superusers hold every code.
func Has(app core.App, auth *core.Record, codes ...string) bool {
	if IsSuperuser(auth) {
		return true
	}
	eff := Effective(app, auth)
	for _, c := range codes {
		if slices.Contains(eff, c) {
			return true
		}
	}
	return false
}

// OnlyAssignedPrograms reports whether the user's role limits it to the programs it teaches.
func OnlyAssignedPrograms(app core.App, auth *core.Record) bool {
	if !IsStaff(auth) || auth.GetString("rol") == "" {
		return false
	}
	rol, err := app.FindRecordById("roles", auth.GetString("rol"))
	return err == nil && rol.GetBool("solo_programas_asignados")
}

// Sedes returns the sede ids a staff user works in (superusers: every sede).
func Sedes(app core.App, auth *core.Record) []string {
	if IsSuperuser(auth) {
		var ids []string
		_ = app.DB().Select("id").From("sedes").Column(&ids)
		return ids
	}
	if !IsStaff(auth) {
		return nil
	}
	return auth.GetStringSlice("sedes")
}

// InSede reports whether auth may act on data of sede.
func InSede(app core.App, auth *core.Record, sede string) bool {
	if IsSuperuser(auth) {
		return true
	}
	return sede != "" && IsStaff(auth) && slices.Contains(auth.GetStringSlice("sedes"), sede)
}

// Require returns a 401 for guests and a 403 unless auth holds one of the codes.
func Require(app core.App, auth *core.Record, codes ...string) error {
	if auth == nil {
		return router.NewUnauthorizedError("Debe iniciar sesión para continuar.", nil)
	}
	if !Has(app, auth, codes...) {
		return router.NewForbiddenError("No tiene permiso para realizar esta acción.", nil)
	}
	return nil
}

// RequireSede returns a 403 unless auth works in sede.
func RequireSede(app core.App, auth *core.Record, sede string) error {
	if !InSede(app, auth, sede) {
		return router.NewForbiddenError("No tiene acceso a esta sede.", nil)
	}
	return nil
}
