package hr

import (
	"regexp"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/access"
	"sgul/internal/money"
	"sgul/internal/payroll"
)

// PayFields are an employee's bank data and pay: visible only to staff with
// empleados or planillas in the employee's sede, and to the employee.
var PayFields = []string{"banco", "cuenta_bancaria", "cci", "sueldo_basico", "sueldo_por_hora"}

// TasaPensionDefecto is the pension rate used when a new employee's rate is not given.
// ONP: 13 % (Decreto Ley 19990, art. 7 as amended by Ley 26504). AFP: the 10 % fund
// contribution of the private system (TUO Ley del SPP, DS 054-97-EF, art. 30); the
// insurance premium and commission differ per AFP and are added by hand.
var TasaPensionDefecto = map[string]money.Rate{"ONP": 1300, "AFP": 1000}

// MaySeePay reports whether auth may see the pay and bank data of employee emp.
func MaySeePay(app core.App, auth, emp *core.Record) bool {
	switch {
	case auth == nil:
		return false
	case access.IsSuperuser(auth):
		return true
	case access.IsStaff(auth) && emp.GetString("usuario") == auth.Id:
		return true
	}
	return access.Has(app, auth, access.Empleados, access.Planillas) && access.InSede(app, auth, emp.GetString("sede"))
}

// DeriveSueldoPorHora fills the hourly wage from the basic salary and the contract
// hours (240 h when none) when it is not given, and keeps a derived wage in step when
// the salary or the hours change.
func DeriveSueldoPorHora(r *core.Record) {
	derived := func(rec *core.Record) (money.Cents, bool) {
		basico, err1 := money.FromFloat(rec.GetFloat("sueldo_basico"))
		horas, err2 := payroll.HoursFromFloat(rec.GetFloat("horas_contrato"))
		if err1 != nil || err2 != nil || (horas > 0 && horas < payroll.MinHorasContrato) {
			return 0, false
		}
		return payroll.Compute(payroll.Input{SueldoBasico: basico, HorasContrato: horas}).SueldoPorHora, true
	}
	hourly := r.GetFloat("sueldo_por_hora")
	if !r.IsNew() {
		orig := r.Original()
		wasDerived := false
		if d, ok := derived(orig); ok && d.Float() == orig.GetFloat("sueldo_por_hora") {
			wasDerived = true
		}
		if wasDerived && hourly == orig.GetFloat("sueldo_por_hora") {
			hourly = 0 // derived before and not edited now: derive again
		}
	}
	if hourly <= 0 {
		if d, ok := derived(r); ok {
			r.Set("sueldo_por_hora", d.Float())
		}
	}
}

// ValidateEmpleado checks what the schema cannot: whole céntimos, contract hours of 0
// or at least 1, a rate with at most four decimals, and a staff user and DNI that no
// other employee has.
func ValidateEmpleado(app core.App, r *core.Record) validation.Errors {
	errs := validation.Errors{}
	for _, f := range []string{"sueldo_basico", "sueldo_por_hora"} {
		if c, err := money.FromFloat(r.GetFloat(f)); err != nil || c < 0 {
			errs[f] = fieldErr("monto_invalido", "Ingrese un monto mayor o igual a 0 con hasta 2 decimales.")
		}
	}
	if h, err := payroll.HoursFromFloat(r.GetFloat("horas_contrato")); err != nil || (h > 0 && h < payroll.MinHorasContrato) {
		errs["horas_contrato"] = fieldErr("horas_contrato", "Ingrese 0 (se usan 240 h) o entre 1 y 744 horas, con hasta 2 decimales.")
	}
	if _, err := money.RateFromFloat(r.GetFloat("tasa_pension")); err != nil {
		errs["tasa_pension"] = fieldErr("tasa_invalida", "La tasa debe estar entre 0 y 1 (ej. 0.13 para 13 %), con hasta 4 decimales.")
	}
	unique := func(field, msg string) {
		v := r.GetString(field)
		if v == "" {
			return
		}
		dup, _ := app.FindFirstRecordByFilter(ColEmpleados, field+" = {:v} && id != {:id}", dbx.Params{"v": v, "id": r.Id})
		if dup != nil {
			errs[field] = fieldErr(field+"_duplicado", msg)
		}
	}
	unique("usuario", "El usuario ya está vinculado a otro empleado.")
	unique("dni", "Ya existe un empleado con este DNI.")
	return nonEmpty(errs)
}

// payFieldRef matches a pay field name as a whole identifier, also after a relation
// path (empleado.sueldo_basico).
var payFieldRef = regexp.MustCompile(`(^|[^A-Za-z0-9_])(` + strings.Join(PayFields, "|") + `)($|[^A-Za-z0-9_])`)

// MentionsPayField reports whether a filter or sort expression refers to a pay field,
// which would let a caller who cannot see those fields probe them.
func MentionsPayField(expr string) bool { return payFieldRef.MatchString(expr) }
