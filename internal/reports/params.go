package reports

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/access"
)

// Params are a report's parameters (the `parametros` JSON). Dates are Lima dates.
type Params struct {
	Sede      string   `json:"sede,omitempty"`
	Sedes     []string `json:"sedes,omitempty"` // the sedes covered, resolved by the server
	Mes       string   `json:"mes,omitempty"`   // YYYY-MM: shorthand for the whole month
	Desde     string   `json:"desde,omitempty"` // YYYY-MM-DD
	Hasta     string   `json:"hasta,omitempty"` // YYYY-MM-DD, inclusive
	Matricula string   `json:"matricula,omitempty"`
	Programa  string   `json:"programa,omitempty"`
	Estado    string   `json:"estado,omitempty"`
}

// ParamsOf reads a report record's parametros.
func ParamsOf(r *core.Record) (Params, error) {
	var p Params
	raw, _ := json.Marshal(r.Get("parametros"))
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return p, nil
	}
	err := json.Unmarshal(raw, &p)
	return p, err
}

// maxPeriod bounds detail reports; the balance (monthly totals) may span more.
const maxPeriod = 5 * 366 * 24 * time.Hour

// Prepare checks a report requested by auth and completes the record before it is
// saved: who asked, the sedes it covers (never beyond the caller's), its period, and the
// `sede` colleagues are matched on. It returns 403 for a report the caller may not see
// and field errors for bad parameters.
func Prepare(app core.App, auth *core.Record, r *core.Record, today string) error {
	tipo := r.GetString("tipo")
	spec, ok := Specs[tipo]
	if !ok {
		return validation.Errors{"tipo": validation.NewError("sgul_tipo", "Elija un tipo de reporte válido.")}
	}
	if err := access.Require(app, auth, access.Reportes); err != nil {
		return err
	}
	if len(spec.Perms) > 0 && !access.Has(app, auth, spec.Perms...) {
		return router.NewForbiddenError("No tiene permiso para ver los datos de este reporte.", nil)
	}
	if r.GetString("formato") == "" {
		r.Set("formato", XLSX)
	}
	p, err := ParamsOf(r)
	if err != nil {
		return validation.Errors{"parametros": validation.NewError("sgul_parametros", "Los parámetros no tienen un formato válido.")}
	}
	if err := p.resolve(app, auth, tipo, spec, today); err != nil {
		return err
	}
	r.Set("parametros", p)
	r.Set("sede", "")
	if len(p.Sedes) == 1 {
		r.Set("sede", p.Sedes[0])
	}
	r.Set("solicitado_por", "")
	if access.IsStaff(auth) {
		r.Set("solicitado_por", auth.Id)
	}
	r.Set("estado", Pendiente)
	return nil
}

// resolve validates p and fills its defaults for tipo.
func (p *Params) resolve(app core.App, auth *core.Record, tipo string, spec Spec, today string) error {
	errs := validation.Errors{}
	p.Sedes = nil

	// Period: a month, or desde/hasta; by default the current month (the year to date
	// for the balance).
	if p.Mes != "" {
		m, err := time.Parse("2006-01", p.Mes)
		if err != nil {
			errs["mes"] = validation.NewError("sgul_mes", "Use el formato AAAA-MM.")
		} else {
			p.Desde = m.Format(time.DateOnly)
			p.Hasta = m.AddDate(0, 1, -1).Format(time.DateOnly)
		}
	}
	if p.Desde == "" {
		p.Desde = today[:8] + "01"
		if tipo == Balance {
			p.Desde = today[:5] + "01-01"
		}
	}
	if p.Hasta == "" {
		p.Hasta = today
	}
	d1, err1 := time.Parse(time.DateOnly, p.Desde)
	d2, err2 := time.Parse(time.DateOnly, p.Hasta)
	switch {
	case err1 != nil:
		errs["desde"] = validation.NewError("sgul_fecha", "Use el formato AAAA-MM-DD.")
	case err2 != nil:
		errs["hasta"] = validation.NewError("sgul_fecha", "Use el formato AAAA-MM-DD.")
	case d2.Before(d1):
		errs["hasta"] = validation.NewError("sgul_periodo", "El periodo debe terminar después de empezar.")
	case tipo != Balance && d2.Sub(d1) > maxPeriod:
		errs["hasta"] = validation.NewError("sgul_periodo", "El periodo puede abarcar como máximo 5 años.")
	}
	p.Estado = strings.TrimSpace(p.Estado)
	if len(p.Estado) > 50 {
		errs["estado"] = validation.NewError("sgul_estado", "Estado inválido.")
	}

	if p.Programa != "" {
		if _, err := app.FindRecordById("programas", p.Programa); err != nil {
			errs["programa"] = validation.NewError("sgul_programa", "El programa no existe.")
		}
	}
	if spec.Academic && access.OnlyAssignedPrograms(app, auth) {
		if p.Programa == "" || !teaches(app, auth.Id, p.Programa) {
			return router.NewForbiddenError("Solo puede pedir reportes de los programas que enseña.", nil)
		}
	}

	// Scope: the matrícula's sede, the sede asked for, or all the caller's sedes.
	switch {
	case tipo == EstadoCuenta:
		mat, err := app.FindRecordById("matriculas", p.Matricula)
		if err != nil {
			errs["matricula"] = validation.NewError("sgul_matricula", "Indique una matrícula existente.")
			break
		}
		if !access.InSede(app, auth, mat.GetString("sede")) {
			return router.NewForbiddenError("No tiene acceso a esta sede.", nil)
		}
		p.Sedes = []string{mat.GetString("sede")}
	case p.Sede != "":
		if _, err := app.FindRecordById("sedes", p.Sede); err != nil {
			errs["sede"] = validation.NewError("sgul_sede", "La sede no existe.")
			break
		}
		if !access.InSede(app, auth, p.Sede) {
			return router.NewForbiddenError("No tiene acceso a esta sede.", nil)
		}
		p.Sedes = []string{p.Sede}
	default:
		p.Sedes = access.Sedes(app, auth)
		if len(p.Sedes) == 0 {
			errs["sede"] = validation.NewError("sgul_sede", "No tiene sedes asignadas.")
		}
	}
	slices.Sort(p.Sedes)
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func teaches(app core.App, docente, programa string) bool {
	var n int
	err := app.DB().Select("COUNT(*)").From("docentes_programa").
		Where(dbx.HashExp{"docente": docente, "programa": programa}).Row(&n)
	return err == nil && n > 0
}
