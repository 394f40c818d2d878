package pgmirror

import (
	"context"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// biFixture creates stand-ins of the SGUL collections the views read.
func biFixture(t *testing.T, app core.App) map[string]*core.Collection {
	t.Helper()
	c := map[string]*core.Collection{}
	add := func(name string, fields ...core.Field) {
		col := core.NewBaseCollection(name)
		col.Fields.Add(fields...)
		col.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
		must(t, app.Save(col))
		c[name] = col
	}
	rel := func(name, to string) core.Field {
		return &core.RelationField{Name: name, CollectionId: c[to].Id, MaxSelect: 1}
	}
	users, err := app.FindCollectionByNameOrId("users")
	must(t, err)
	users.Fields.Add(&core.TextField{Name: "nombre"})
	must(t, app.Save(users))
	c["users"] = users
	add("sedes", &core.TextField{Name: "nombre"})
	add("medios_contacto", &core.TextField{Name: "nombre"})
	add("programas", &core.TextField{Name: "nombre"}, &core.TextField{Name: "tipo"}, rel("sede", "sedes"))
	add("matriculas", &core.TextField{Name: "alumno"}, rel("programa", "programas"), rel("sede", "sedes"), &core.TextField{Name: "estado"})
	add("cuotas", rel("matricula", "matriculas"), &core.TextField{Name: "concepto"}, &core.NumberField{Name: "monto"},
		&core.NumberField{Name: "pagado"}, &core.DateField{Name: "vencimiento"}, &core.TextField{Name: "estado"})
	add("pagos", rel("matricula", "matriculas"), rel("cuota", "cuotas"), &core.NumberField{Name: "monto"}, rel("sede", "sedes"), &core.TextField{Name: "estado"})
	add("ingresos", rel("sede", "sedes"), &core.TextField{Name: "concepto"}, &core.NumberField{Name: "monto"},
		&core.DateField{Name: "fecha"}, rel("pago", "pagos"), &core.TextField{Name: "origen"})
	add("gastos", rel("sede", "sedes"), &core.TextField{Name: "concepto"}, &core.NumberField{Name: "monto"}, &core.DateField{Name: "fecha"})
	add("leads", &core.TextField{Name: "estado_lead"}, rel("asesor", "users"), rel("medio_contacto", "medios_contacto"),
		rel("sede", "sedes"), &core.DateField{Name: "fecha_ingreso"})
	return c
}

// TestBIViews checks the finance views on a small fixture, that they appear
// only once their tables exist, and that a read-only grant survives a table change.
func TestBIViews(t *testing.T) {
	cfg := testConfig(t, false)
	app := mirroredApp(t, cfg)
	r := newRelay(t, app, cfg)
	drain(t, r) // no SGUL tables yet: no views, no error
	conn := pgConn(t, cfg)
	ctx := context.Background()
	var views int
	must(t, conn.QueryRow(ctx, `SELECT count(*) FROM information_schema.views WHERE table_schema = $1`, cfg.Schema).Scan(&views))
	if views != 0 {
		t.Fatalf("%d views before the tables exist", views)
	}

	c := biFixture(t, app)
	rec := func(coll string, data map[string]any) string { return newRecordWith(t, app, c[coll], data).Id }
	aqp := rec("sedes", map[string]any{"nombre": "Arequipa"})
	prog := rec("programas", map[string]any{"nombre": "Enfermería", "tipo": "Carrera", "sede": aqp})
	mat := rec("matriculas", map[string]any{"alumno": "al1", "programa": prog, "sede": aqp, "estado": "Activo"})
	mat2 := rec("matriculas", map[string]any{"alumno": "al2", "programa": prog, "sede": aqp, "estado": "Activo"})
	cuota := rec("cuotas", map[string]any{"matricula": mat, "concepto": "Pensión", "monto": 300, "pagado": 300, "vencimiento": "2025-01-05 00:00:00.000Z", "estado": "Pagada"})
	rec("cuotas", map[string]any{"matricula": mat, "concepto": "Pensión", "monto": 300, "pagado": 100, "vencimiento": "2025-02-05 00:00:00.000Z", "estado": "Parcial"})
	rec("cuotas", map[string]any{"matricula": mat2, "concepto": "Pensión", "monto": 250.5, "pagado": 0, "vencimiento": "2025-02-05 00:00:00.000Z", "estado": "Pendiente"})
	future := time.Now().AddDate(0, 2, 0).UTC().Format("2006-01-02") + " 00:00:00.000Z"
	rec("cuotas", map[string]any{"matricula": mat2, "concepto": "Pensión", "monto": 250.5, "pagado": 0, "vencimiento": future, "estado": "Pendiente"})
	pago := rec("pagos", map[string]any{"matricula": mat, "cuota": cuota, "monto": 300, "sede": aqp, "estado": "Registrado"})
	rec("ingresos", map[string]any{"sede": aqp, "concepto": "Pensión", "monto": 300, "fecha": "2025-01-31 00:00:00.000Z", "pago": pago, "origen": "Pago"})
	rec("ingresos", map[string]any{"sede": aqp, "concepto": "Venta", "monto": 50.25, "fecha": "2025-01-10 00:00:00.000Z", "origen": "Manual"})
	rec("gastos", map[string]any{"sede": aqp, "concepto": "Luz", "monto": 120.1, "fecha": "2025-01-20 00:00:00.000Z"})
	u := core.NewRecord(c["users"])
	u.SetEmail("asesora@sgul.test")
	u.SetPassword("asesora-123")
	u.Set("nombre", "Rosa")
	must(t, app.Save(u))
	fb := rec("medios_contacto", map[string]any{"nombre": "Facebook"})
	for _, e := range []string{"Pendiente", "Atendido", "Convertido", "Convertido"} {
		rec("leads", map[string]any{"estado_lead": e, "asesor": u.Id, "medio_contacto": fb, "sede": aqp, "fecha_ingreso": "2025-01-02 00:00:00.000Z"})
	}
	drain(t, r)
	s := pgIdent(cfg.Schema)

	var ing, gas, bal string
	must(t, conn.QueryRow(ctx, `SELECT ingresos::text, gastos::text, balance::text FROM `+s+`.v_balance_sede_mes WHERE sede = 'Arequipa' AND mes = '2025-01-01'`).Scan(&ing, &gas, &bal))
	if ing != "350.25" || gas != "120.10" || bal != "230.15" {
		t.Fatalf("balance: %s - %s = %s", ing, gas, bal)
	}
	var total, programa string
	must(t, conn.QueryRow(ctx, `SELECT total::text, programa FROM `+s+`.v_ingresos_concepto_programa WHERE concepto = 'Pensión'`).Scan(&total, &programa))
	if total != "300.00" || programa != "Enfermería" {
		t.Fatalf("income by program: %s %s", total, programa)
	}
	var deuda string
	var cuotas, alumnos int
	must(t, conn.QueryRow(ctx, `SELECT deuda::text, cuotas_vencidas, alumnos FROM `+s+`.v_deuda_vencida WHERE programa = 'Enfermería'`).Scan(&deuda, &cuotas, &alumnos))
	if deuda != "450.50" || cuotas != 2 || alumnos != 2 {
		t.Fatalf("overdue: %s in %d cuotas of %d alumnos", deuda, cuotas, alumnos)
	}
	var leads, conv int
	var tasa string
	must(t, conn.QueryRow(ctx, `SELECT leads, convertidos, tasa_conversion::text FROM `+s+`.v_funnel_canal_asesor WHERE canal = 'Facebook' AND asesor = 'Rosa'`).Scan(&leads, &conv, &tasa))
	if leads != 4 || conv != 2 || tasa != "50.0" {
		t.Fatalf("funnel: %d leads, %d converted, %s%%", leads, conv, tasa)
	}

	// a read-only role keeps its grant when a table change recreates the views
	role := cfg.Schema + "_bi"
	_, err := conn.Exec(ctx, `CREATE ROLE `+pgIdent(role)+` NOLOGIN`)
	must(t, err)
	t.Cleanup(func() {
		_, _ = conn.Exec(context.Background(), `DROP OWNED BY `+pgIdent(role))
		_, _ = conn.Exec(context.Background(), `DROP ROLE IF EXISTS `+pgIdent(role))
	})
	_, err = conn.Exec(ctx, `GRANT USAGE ON SCHEMA `+s+` TO `+pgIdent(role)+`; GRANT SELECT ON `+s+`.v_balance_sede_mes TO `+pgIdent(role))
	must(t, err)
	ingresos := c["ingresos"]
	ingresos.Fields.Add(&core.TextField{Name: "nota"})
	must(t, app.Save(ingresos))
	drain(t, r)
	var can bool
	must(t, conn.QueryRow(ctx, `SELECT has_table_privilege($1, $2, 'SELECT')`, role, cfg.Schema+".v_balance_sede_mes").Scan(&can))
	if !can {
		t.Fatal("read-only grant lost after the views were recreated")
	}
}
