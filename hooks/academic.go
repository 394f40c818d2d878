package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/academic"
	"sgul/internal/audit"
)

// bindAcademic wires programs, curricula, grades, attendance and the student's view
// (summaries, account statement, payment vouchers).
func bindAcademic(app core.App, cfg *Config) {
	bindCurricula(app)
	bindNotas(app)
	bindAsistencias(app)
	bindVouchers(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		bindAcademicRoutes(se)
		bindVoucherRoutes(se)
		return se.Next()
	})
}

// bindCurricula fills program durations from the tipo and keeps malla rows and teacher
// assignments consistent.
func bindCurricula(app core.App) {
	fill := func(e *core.RecordEvent) error {
		academic.ApplyProgramDefaults(e.Record)
		return e.Next()
	}
	app.OnRecordCreate(academic.ColProgramas).BindFunc(fill)
	app.OnRecordUpdate(academic.ColProgramas).BindFunc(fill)
	checkOnValidate(app, academic.ColProgramas, academic.ValidatePrograma)
	checkOnValidate(app, academic.ColMalla, academic.ValidateMalla)
	checkOnValidate(app, academic.ColDocentes, academic.ValidateDocentePrograma)
}

// bindNotas stores each grade's estado, checks it, and audits every change.
func bindNotas(app core.App) {
	// 0 is a valid grade, so the schema cannot require it; a missing or empty one (a
	// multipart "" or a JSON null, which PocketBase would store as 0) is refused here, and
	// an update may leave the grade out but not empty it.
	notaRequerida := func() validation.Errors {
		return validation.Errors{"nota": validation.NewError("sgul_nota_requerida", "Ingrese la nota (0 a 20).")}
	}
	app.OnRecordCreateRequest(academic.ColNotas).BindFunc(func(e *core.RecordRequestEvent) error {
		if !bodyHas(e, "nota") {
			return e.BadRequestError("No se pudo crear el registro.", notaRequerida())
		}
		return e.Next()
	})
	app.OnRecordUpdateRequest(academic.ColNotas).BindFunc(func(e *core.RecordRequestEvent) error {
		if bodyClears(e, "nota") {
			return e.BadRequestError("No se pudo actualizar el registro.", notaRequerida())
		}
		return e.Next()
	})
	app.OnRecordCreate(academic.ColNotas).BindFunc(func(e *core.RecordEvent) error {
		academic.SetNotaEstado(e.Record)
		if e.Record.GetString("registrado_por") == "" {
			e.Record.Set("registrado_por", audit.ActorOf(e.Record).UserID)
		}
		return e.Next()
	})
	app.OnRecordUpdate(academic.ColNotas).BindFunc(func(e *core.RecordEvent) error {
		academic.SetNotaEstado(e.Record)
		return e.Next()
	})
	checkOnValidate(app, academic.ColNotas, academic.ValidateNota)
	auditWrites(app, academic.ColNotas, sedeVia(academic.ColMatriculas, "matricula"), nil)
}

// bindAsistencias keeps class dates as plain dates, the recorder, and the natural key.
func bindAsistencias(app core.App) {
	app.OnRecordCreate(academic.ColAsistencias).BindFunc(func(e *core.RecordEvent) error {
		academic.NormalizeFechaClase(e.Record)
		if e.Record.GetString("registrado_por") == "" {
			e.Record.Set("registrado_por", audit.ActorOf(e.Record).UserID)
		}
		return e.Next()
	})
	app.OnRecordUpdate(academic.ColAsistencias).BindFunc(func(e *core.RecordEvent) error {
		academic.NormalizeFechaClase(e.Record)
		return e.Next()
	})
	checkOnValidate(app, academic.ColAsistencias, academic.ValidateAsistencia)
}
