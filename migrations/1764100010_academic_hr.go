package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Academic life, HR and the student's portal: payment vouchers sent by students, the
// stored estado of each grade, the contract hours and void trail of payroll lines, and
// covering indexes for the KPI dashboard's aggregates.
func init() {
	m.Register(upAcademicHR, downAcademicHR)
}

// dashboardIndexes are covering indexes: each dashboard aggregate reads only the index.
var dashboardIndexes = []struct{ collection, name, columns string }{
	{"pagos", "idx_pagos_dashboard", "sede, concepto, estado, fecha_pago, monto"},
	{"cuotas", "idx_cuotas_deuda", "matricula, estado, vencimiento, monto, pagado"},
	{"leads", "idx_leads_asesor_estado", "sede, asesor, estado_lead"},
	{"matriculas", "idx_matriculas_dashboard", "sede, programa, estado, alumno"},
}

func upAcademicHR(app core.App) error {
	find := func(name string) (*core.Collection, error) { return app.FindCollectionByNameOrId(name) }
	matr, err := find("matriculas")
	if err != nil {
		return err
	}
	cuotas, err := find("cuotas")
	if err != nil {
		return err
	}
	mp, err := find("medios_pago")
	if err != nil {
		return err
	}
	pagos, err := find("pagos")
	if err != nil {
		return err
	}
	users, err := find("users")
	if err != nil {
		return err
	}

	// --- Payment vouchers (Yape/Plin/transfer photos) sent by students ----------------
	v := core.NewBaseCollection("vouchers")
	imagen := docFile("imagen")
	imagen.Required = true
	v.Fields.Add(
		rel("matricula", matr, true, false), rel("cuota", cuotas, true, false),
		&core.NumberField{Name: "monto", Required: true, Min: ptrF(0.01), Max: ptrF(moneyMax)},
		rel("medio_pago", mp, true, false), date("fecha", true), imagen,
		choice("estado", true, "Pendiente", "Aprobado", "Rechazado"), txt("motivo", false, 500),
		rel("pago", pagos, false, false), rel("revisado_por", users, false, false), date("fecha_revision", false),
	)
	timestamps(v)
	v.AddIndex("idx_vouchers_matricula", false, "matricula, created", "")
	v.AddIndex("idx_vouchers_estado", false, "estado, created", "")
	v.AddIndex("idx_vouchers_pago", true, "pago", "pago != ''")
	ownMatricula := and(ruleStudent, "matricula.alumno = @request.auth.id")
	voucherRead := or(ownMatricula, and(rulePerm("pagos"), ruleSede("matricula.sede")))
	v.ListRule, v.ViewRule = ptr(voucherRead), ptr(voucherRead)
	v.CreateRule = ptr(ownMatricula) // estado is forced to Pendiente by a hook
	if err := app.Save(v); err != nil {
		return err
	}

	// --- Grades: the estado is stored so that clients can filter and export it ---------
	notas, err := find("notas")
	if err != nil {
		return err
	}
	notas.Fields.Add(choice("estado", false, "Aprobado", "Desaprobado", "Muy Bajo"))
	if err := app.Save(notas); err != nil {
		return err
	}
	if _, err := app.DB().NewQuery(`UPDATE notas SET estado = CASE
		WHEN nota >= 14 THEN 'Aprobado' WHEN nota >= 10 THEN 'Desaprobado' ELSE 'Muy Bajo' END`).Execute(); err != nil {
		return err
	}

	// --- Payroll: contract hours (hourly wage derivation) and who voided it ------------
	plan, err := find("planillas")
	if err != nil {
		return err
	}
	plan.Fields.Add(numRange("horas_contrato", false, 0, 744), rel("anulado_por", users, false, false), date("anulado_en", false))
	if err := app.Save(plan); err != nil {
		return err
	}

	for _, ix := range dashboardIndexes {
		c, err := find(ix.collection)
		if err != nil {
			return err
		}
		c.AddIndex(ix.name, false, ix.columns, "")
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}

func downAcademicHR(app core.App) error {
	for _, ix := range dashboardIndexes {
		if c, err := app.FindCollectionByNameOrId(ix.collection); err == nil {
			c.RemoveIndex(ix.name)
			if err := app.Save(c); err != nil {
				return err
			}
		}
	}
	if plan, err := app.FindCollectionByNameOrId("planillas"); err == nil {
		plan.Fields.RemoveByName("horas_contrato")
		plan.Fields.RemoveByName("anulado_por")
		plan.Fields.RemoveByName("anulado_en")
		if err := app.Save(plan); err != nil {
			return err
		}
	}
	if notas, err := app.FindCollectionByNameOrId("notas"); err == nil {
		notas.Fields.RemoveByName("estado")
		if err := app.Save(notas); err != nil {
			return err
		}
	}
	if v, err := app.FindCollectionByNameOrId("vouchers"); err == nil {
		if err := app.Delete(v); err != nil {
			return err
		}
	}
	return nil
}
