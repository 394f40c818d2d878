package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// saldos_mensuales keeps per sede-and-month ledger totals in integer céntimos, updated in
// the same transaction as every ingreso/gasto change, so the balance never scans the
// ledger. idempotencia remembers the result of requests sent with an Idempotency-Key.
// Both are server-only (no API rules).
func init() {
	m.Register(func(app core.App) error {
		sedes, err := app.FindCollectionByNameOrId("sedes")
		if err != nil {
			return err
		}
		saldos := core.NewBaseCollection("saldos_mensuales")
		saldos.Fields.Add(
			rel("sede", sedes, true, false),
			&core.NumberField{Name: "anio", Required: true, OnlyInt: true},
			&core.NumberField{Name: "mes", Required: true, OnlyInt: true},
			&core.NumberField{Name: "ingresos_centimos", OnlyInt: true},
			&core.NumberField{Name: "gastos_centimos", OnlyInt: true},
			&core.NumberField{Name: "movimientos", OnlyInt: true},
		)
		saldos.AddIndex("idx_saldos_mensuales_periodo", true, "sede, anio, mes", "")
		if err := app.Save(saldos); err != nil {
			return err
		}

		idem := core.NewBaseCollection("idempotencia")
		idem.Fields.Add(
			txt("clave", true, 255), txt("actor", true, 255), txt("ruta", true, 255),
			txt("coleccion", false, 100), txt("registro", false, 50),
			&core.NumberField{Name: "estado_http", OnlyInt: true}, jsonField("respuesta"),
		)
		timestamps(idem)
		idem.AddIndex("idx_idempotencia_clave", true, "actor, ruta, clave", "")
		idem.AddIndex("idx_idempotencia_created", false, "created", "")
		return app.Save(idem)
	}, func(app core.App) error {
		for _, name := range []string{"idempotencia", "saldos_mensuales"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
