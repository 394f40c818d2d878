package enrollment

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/money"
	"sgul/internal/schedule"
)

// Matrícula states.
const (
	MatriculaActivo   = "Activo"
	MatriculaRetirado = "Retirado"
	MatriculaEgresado = "Egresado"
)

// PrepareMatricula fills a new matrícula's defaults.
func PrepareMatricula(r *core.Record) {
	if r.GetString("estado") == "" {
		r.Set("estado", MatriculaActivo)
	}
	if r.GetDateTime("fecha_inscripcion").IsZero() {
		r.Set("fecha_inscripcion", time.Now().UTC())
	}
}

// SedesFor returns the sedes a matrícula of that programa/modalidad may belong to: the
// modalidad's sede (where its income goes) and the programa's sede.
func SedesFor(programa, modalidad *core.Record) []string {
	var out []string
	if s := modalidad.GetString("sede"); s != "" {
		out = append(out, s)
	}
	if s := programa.GetString("sede"); s != "" && (len(out) == 0 || out[0] != s) {
		out = append(out, s)
	}
	return out
}

// ValidateNewMatricula checks the program is active and the sede coherent.
func ValidateNewMatricula(app core.App, r *core.Record) error {
	prog, err := app.FindRecordById("programas", r.GetString("programa"))
	if err != nil {
		return fieldErr("programa", "programa", "El programa no existe.")
	}
	if !prog.GetBool("activo") {
		return fieldErr("programa", "programa_inactivo", "El programa no está activo.")
	}
	mod, err := app.FindRecordById("modalidades", r.GetString("modalidad"))
	if err != nil {
		return fieldErr("modalidad", "modalidad", "La modalidad no existe.")
	}
	allowed := SedesFor(prog, mod)
	sede := r.GetString("sede")
	if sede == "" && len(allowed) > 0 {
		r.Set("sede", allowed[len(allowed)-1])
		return nil
	}
	for _, s := range allowed {
		if s == sede {
			return nil
		}
	}
	return fieldErr("sede", "sede_programa", "El programa no pertenece a la sede seleccionada.")
}

// ValidateMatriculaUpdate keeps the money-bearing links of a matrícula fixed.
func ValidateMatriculaUpdate(r *core.Record) error {
	for _, f := range []string{"alumno", "programa", "modalidad", "sede"} {
		if r.GetString(f) != r.Original().GetString(f) {
			return fieldErr(f, "matricula_fija", "No se puede cambiar; retire la matrícula y registre una nueva.")
		}
	}
	return nil
}

// GenerateCuotas writes the payment schedule of a new matrícula with tx.
func GenerateCuotas(tx core.App, r *core.Record, dueDay int) error {
	prog, err := tx.FindRecordById("programas", r.GetString("programa"))
	if err != nil {
		return err
	}
	mod, err := tx.FindRecordById("modalidades", r.GetString("modalidad"))
	if err != nil {
		return err
	}
	p := schedule.Program{Tipo: prog.GetString("tipo"), NumeroPensiones: prog.GetInt("numero_pensiones")}
	for _, f := range []struct {
		dst  *money.Cents
		name string
	}{{&p.PrecioMatricula, "precio_matricula"}, {&p.PrecioPensionVirtual, "precio_pension_virtual"},
		{&p.PrecioPensionPresencial, "precio_pension_presencial"}, {&p.PrecioCursoUnico, "precio_curso_unico"}} {
		if *f.dst, err = money.FromFloat(prog.GetFloat(f.name)); err != nil {
			return fieldErr("programa", "precio", "El programa tiene un precio inválido ("+f.name+").")
		}
	}
	fecha := schedule.LimaDate(r.GetDateTime("fecha_inscripcion").Time())
	cuotas, err := schedule.Generate(p, mod.GetString("nombre"), fecha, dueDay)
	if err != nil {
		return fieldErr("programa", "cronograma", err.Error())
	}
	col, err := tx.FindCachedCollectionByNameOrId("cuotas")
	if err != nil {
		return err
	}
	for _, c := range cuotas {
		rec := core.NewRecord(col)
		rec.Set("matricula", r.Id)
		rec.Set("concepto", c.Concepto)
		rec.Set("numero", c.Numero)
		rec.Set("monto", c.Monto.Float())
		rec.Set("pagado", 0)
		rec.Set("vencimiento", c.Vencimiento+" 00:00:00.000Z")
		estado := CuotaPendiente
		if c.Monto == 0 {
			estado = CuotaPagada // nothing to pay (free enrolment fee)
		}
		rec.Set("estado", estado)
		if err := tx.Save(rec); err != nil {
			return fmt.Errorf("cuota %s %d: %w", c.Concepto, c.Numero, err)
		}
	}
	return nil
}

// CancelOpenCuotas voids the untouched cuotas of a withdrawn matrícula, so they stop
// counting as debt. Partly paid cuotas stay as they are.
func CancelOpenCuotas(tx core.App, matricula string) error {
	open, err := tx.FindRecordsByFilter("cuotas", "matricula = {:m} && estado = {:e} && pagado = 0", "numero", 0, 0,
		dbx.Params{"m": matricula, "e": CuotaPendiente})
	if err != nil {
		return err
	}
	for _, c := range open {
		c.Set("estado", CuotaAnulada)
		c.Set(flagRecompute, true)
		if err := tx.Save(c); err != nil {
			return err
		}
	}
	return nil
}
