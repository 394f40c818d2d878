package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/finance"
	"sgul/internal/sgultest"
)

const pagosURL = "/api/collections/pagos/records"

// pagoBody pays 50.00 of Pensión 1 of Matricula1 in cash, at 2026-03-02T03:30:00Z
// (22:30 of 2026-03-01 in Lima).
func pagoBody(f emWorld, extra map[string]any) map[string]any {
	return emMerge(map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": 50, "medio_pago": f.Efectivo,
		"fecha_pago": "2026-03-02 03:30:00.000Z"}, extra)
}

// booking is what one registered pago must have written.
type booking struct {
	cuota, sede, concepto, fecha, usuario string
	centimos                              int64
	cuotaPagado                           int64
	cuotaEstado                           string
}

// checkBooked verifies a registered pago: its one ingreso, its cuota and its audit row.
func checkBooked(t testing.TB, app core.App, pagoID string, want booking) {
	t.Helper()
	p := emRecord(t, app, "pagos", pagoID)
	if p.GetString("estado") != "Registrado" || p.GetString("sede") != want.sede || emCents(p, "monto") != want.centimos ||
		p.GetString("registrado_por") != want.usuario || p.GetString("cuota") != want.cuota {
		t.Errorf("pago %s: estado=%s sede=%s monto=%d registrado_por=%s cuota=%s; want Registrado %s %d %s %s", pagoID,
			p.GetString("estado"), p.GetString("sede"), emCents(p, "monto"), p.GetString("registrado_por"), p.GetString("cuota"),
			want.sede, want.centimos, want.usuario, want.cuota)
	}
	ings := emFind(t, app, "ingresos", "pago = {:p}", dbx.Params{"p": pagoID})
	if len(ings) != 1 {
		t.Fatalf("pago %s has %d ingresos, want 1", pagoID, len(ings))
	}
	ing := ings[0]
	if ing.GetString("origen") != finance.OrigenPago || ing.GetString("concepto") != want.concepto || emCents(ing, "monto") != want.centimos ||
		finance.DateOf(ing, "fecha") != want.fecha || ing.GetString("sede") != want.sede || ing.GetString("registrado_por") != want.usuario {
		t.Errorf("ingreso: origen=%s concepto=%q monto=%d fecha=%s sede=%s registrado_por=%s; want Pago %q %d %s %s %s",
			ing.GetString("origen"), ing.GetString("concepto"), emCents(ing, "monto"), finance.DateOf(ing, "fecha"), ing.GetString("sede"),
			ing.GetString("registrado_por"), want.concepto, want.centimos, want.fecha, want.sede, want.usuario)
	}
	c := emRecord(t, app, "cuotas", want.cuota)
	if emCents(c, "pagado") != want.cuotaPagado || c.GetString("estado") != want.cuotaEstado {
		t.Errorf("cuota pagado=%d estado=%s, want %d %s", emCents(c, "pagado"), c.GetString("estado"), want.cuotaPagado, want.cuotaEstado)
	}
	var aud []*core.Record // the creation; later edits of non-money fields add "actualizar" rows
	for _, a := range emAudit(t, app, "pagos", pagoID) {
		if a.GetString("accion") == "crear" {
			aud = append(aud, a)
		}
	}
	if len(aud) != 1 || aud[0].GetString("usuario") != want.usuario || aud[0].GetString("sede") != want.sede {
		t.Errorf("creation audit rows of the pago = %d, want 1 (crear by %q in %s)", len(aud), want.usuario, want.sede)
	}
}

// paid checks the pago answered in res.
func paid(want booking) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		id, _ := emDecode(t, res)["id"].(string)
		checkBooked(t, app, id, want)
	}
}

func TestPagoCreate(t *testing.T) {
	f := emFixture(t)
	pension1 := booking{cuota: f.CuotaPen1, sede: f.SedeA, concepto: "Pensión - Enfermería (Cuota 1)", fecha: "2026-03-01",
		usuario: f.Users["finanzas"], centimos: 5000, cuotaPagado: 5000, cuotaEstado: "Parcial"}
	with := func(b booking, edit func(*booking)) booking { edit(&b); return b }
	yape, yapeHeaders := emMultipart(map[string]string{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": "150",
		"medio_pago": f.Yape, "fecha_pago": "2026-03-02 03:30:00.000Z"}, "comprobante")

	emRun(t, f.Fixture, []emCase{
		{
			Name: "finanzas pays part of a pensión: one ingreso on the Lima date, cuota Parcial, audit row", URL: pagosURL,
			Actor: "finanzas", Body: pagoBody(f, nil), Status: 200,
			Content: []string{`"estado":"Registrado"`, `"sede":"` + f.SedeA + `"`, `"concepto":"Pensión"`, `"numero_cuota":1`},
			// the effects are asserted row by row in After; other areas may add their own writes
			Events: map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateError": 0, "OnRecordAfterUpdateError": 0,
				"OnRecordDelete": 0},
			After: paid(pension1),
		},
		{
			Name: "paying the rest closes the cuota", URL: pagosURL, Actor: "finanzas", Body: pagoBody(f, map[string]any{"monto": 100}),
			Status: 200, Content: []string{`"estado":"Registrado"`},
			Before: func(t testing.TB, app *tests.TestApp) { emPago(t, app, "", f.CuotaPen1, 50, "") },
			After:  paid(with(pension1, func(b *booking) { b.centimos, b.cuotaPagado, b.cuotaEstado = 10000, 15000, "Pagada" })),
		},
		{
			Name: "the Matrícula cuota in full", URL: pagosURL, Actor: "finanzas",
			Body:   pagoBody(f, map[string]any{"cuota": f.CuotaMat1, "monto": 100, "fecha_pago": "2026-02-10 15:00:00.000Z"}),
			Status: 200, Content: []string{`"concepto":"Matrícula"`},
			After: paid(booking{cuota: f.CuotaMat1, sede: f.SedeA, concepto: "Matrícula - Enfermería", fecha: "2026-02-10",
				usuario: f.Users["finanzas"], centimos: 10000, cuotaPagado: 10000, cuotaEstado: "Pagada"}),
		},
		{
			Name: "two decimals are exact", URL: pagosURL, Actor: "finanzas", Body: pagoBody(f, map[string]any{"monto": 33.33}),
			Status: 200, Content: []string{`"monto":33.33`},
			After: paid(with(pension1, func(b *booking) { b.centimos, b.cuotaPagado = 3333, 3333 })),
		},
		{
			Name: "JavaScript float noise (0.1+0.2) is booked as 0.30", URL: pagosURL, Actor: "finanzas",
			Body:   `{"matricula":"` + f.Matricula1 + `","cuota":"` + f.CuotaPen1 + `","monto":0.30000000000000004,"medio_pago":"` + f.Efectivo + `","fecha_pago":"2026-03-02 03:30:00.000Z"}`,
			Status: 200, Content: []string{`"estado":"Registrado"`},
			After: paid(with(pension1, func(b *booking) { b.centimos, b.cuotaPagado = 30, 30 })),
		},
		{
			Name: "Yape with a PNG voucher (multipart)", URL: pagosURL, Actor: "finanzas", Body: yape, Headers: yapeHeaders,
			Status: 200, Content: []string{`"comprobante":"comprobante_`},
			After: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				id, _ := emDecode(t, res)["id"].(string)
				checkBooked(t, app, id, with(pension1, func(b *booking) { b.centimos, b.cuotaPagado, b.cuotaEstado = 15000, 15000, "Pagada" }))
				if len(emStoredFiles(t, app)) != 1 {
					t.Errorf("stored files = %v, want the voucher", emStoredFiles(t, app))
				}
			},
		},
		{
			Name: "finanzasB pays the Curso of sede B", URL: pagosURL, Actor: "finanzasB",
			Body:   pagoBody(f, map[string]any{"matricula": f.Matricula2, "cuota": f.CuotaCursoB, "monto": 150}),
			Status: 200, Content: []string{`"sede":"` + f.SedeB + `"`},
			After: paid(booking{cuota: f.CuotaCursoB, sede: f.SedeB, concepto: "Pago Único - Facturación Electrónica", fecha: "2026-03-01",
				usuario: f.Users["finanzasB"], centimos: 15000, cuotaPagado: 15000, cuotaEstado: "Pagada"}),
		},
		{
			Name: "estado and registrado_por in the body are ignored", URL: pagosURL, Actor: "finanzas",
			Body:   pagoBody(f, map[string]any{"estado": "Anulado", "registrado_por": f.Users["admin"]}),
			Status: 200, Content: []string{`"estado":"Registrado"`},
			After: paid(pension1),
		},
		{
			Name: "without fecha_pago the pago is dated now", URL: pagosURL, Actor: "finanzas",
			Body: map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": 50, "medio_pago": f.Efectivo}, Status: 200,
			Content: []string{`"estado":"Registrado"`},
			After:   paid(with(pension1, func(b *booking) { b.fecha = finance.Today() })),
		},
	})
}

func TestPagoCreateRefusals(t *testing.T) {
	f := emFixture(t)
	refused := func(name, actor string, body any, status int, content ...string) emCase {
		return emCase{Name: name, URL: pagosURL, Actor: actor, Body: body, Status: status, Content: content, Unchanged: true}
	}
	before := func(c emCase, fn func(testing.TB, *tests.TestApp)) emCase { c.Before = fn; return c }
	text, textHeaders, _ := tests.MockMultipartData(map[string]string{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": "50",
		"medio_pago": f.Yape}, "comprobante")
	valid := pagoBody(f, nil)
	// refused by the API rule: no hook runs at all
	byRule := func(name, actor string) emCase {
		c := refused(name, actor, valid, 400, "No se pudo crear el registro.")
		c.Events = map[string]int{"*": 0}
		return c
	}
	cases := []emCase{
		byRule("anonymous", ""),
		byRule("the student himself", "alumno1"),
		byRule("role without pagos (ventas)", "ventas"),
		byRule("role without pagos (docente)", "docente"),
		byRule("user without role", "norole"),
		byRule("inactive user", "inactive"),
		byRule("finanzas of another sede", "finanzasB"),
		refused("monto 0", "finanzas", pagoBody(f, map[string]any{"monto": 0}), 400, `"monto"`),
		refused("negative monto", "finanzas", pagoBody(f, map[string]any{"monto": -10}), 400, `"monto"`),
		refused("monto above the saldo", "finanzas", pagoBody(f, map[string]any{"monto": 150.01}), 400,
			`"monto"`, "El monto supera el saldo de la cuota (S/ 150.00)."),
		refused("three decimals", "finanzas", pagoBody(f, map[string]any{"monto": 10.005}), 400, `"monto"`, "El monto debe tener como máximo 2 decimales."),
		refused("monto not a number", "finanzas", pagoBody(f, map[string]any{"monto": "diez"}), 400, `"monto"`),
		refused("medio_pago missing", "finanzas", pagoBody(f, map[string]any{"medio_pago": ""}), 400, `"medio_pago"`),
		refused("unknown medio_pago", "finanzas", pagoBody(f, map[string]any{"medio_pago": "noexiste0000000"}), 400, `"medio_pago"`),
		refused("Yape without voucher", "finanzas", pagoBody(f, map[string]any{"medio_pago": f.Yape}), 400,
			`"comprobante"`, "Este medio de pago requiere adjuntar el comprobante."),
		{Name: "a voucher that is not PDF, JPEG or PNG (tests.MockMultipartData writes text)", URL: pagosURL, Actor: "finanzas", Body: text,
			Headers: map[string]string{"Content-Type": textHeaders.FormDataContentType()}, Status: 400, Content: []string{`"comprobante"`}, Unchanged: true},
		refused("cuota of another matrícula", "finanzas", pagoBody(f, map[string]any{"cuota": f.CuotaCursoB}), 400,
			`"cuota"`, "La cuota no pertenece a esta matrícula."),
		refused("unknown cuota", "finanzas", pagoBody(f, map[string]any{"cuota": "noexiste0000000"}), 400, `"cuota"`),
		refused("a sede the cashier does not work in", "finanzas", pagoBody(f, map[string]any{"sede": f.SedeB}), 400),
		refused("a sede other than the matrícula's, even for admin", "admin", pagoBody(f, map[string]any{"sede": f.SedeB}), 400,
			`"sede"`, "El pago se registra en la sede de la matrícula."),
		refused("negative discount", "finanzas", pagoBody(f, map[string]any{"descuento_aplicado": -1}), 400, `"descuento_aplicado"`),
		refused("bad JSON", "finanzas", `{"monto":`, 400),
		before(refused("a matrícula that is not Activo", "finanzas", valid, 400, `"matricula"`, "Solo se registran pagos de matrículas activas."),
			func(t testing.TB, app *tests.TestApp) {
				emPatch(t, app, "matriculas", f.Matricula1, map[string]any{"estado": "Retirado"})
			}),
		before(refused("an Anulada cuota", "finanzas", valid, 400, `"cuota"`, "La cuota está anulada."),
			func(t testing.TB, app *tests.TestApp) {
				emPatch(t, app, "matriculas", f.Matricula1, map[string]any{"estado": "Retirado"}) // voids the open cuotas
				emPatch(t, app, "matriculas", f.Matricula1, map[string]any{"estado": "Activo"})
			}),
		before(refused("a cuota already paid", "finanzas", pagoBody(f, map[string]any{"monto": 1}), 400, "El monto supera el saldo de la cuota (S/ 0.00)."),
			func(t testing.TB, app *tests.TestApp) { emPago(t, app, "", f.CuotaPen1, 150, "") }),
		before(refused("more than what is left", "finanzas", pagoBody(f, map[string]any{"monto": 100.01}), 400, "(S/ 100.00)"),
			func(t testing.TB, app *tests.TestApp) { emPago(t, app, "", f.CuotaPen1, 50, "") }),
	}
	emRun(t, f.Fixture, cases)
}

// TestPagoBatch: the batch API books exactly like the record API, in one transaction.
func TestPagoBatch(t *testing.T) {
	f := emFixture(t)
	item := func(monto float64) map[string]any {
		return map[string]any{"method": "POST", "url": pagosURL, "body": pagoBody(f, map[string]any{"monto": monto})}
	}
	batch := func(items ...map[string]any) map[string]any { return map[string]any{"requests": items} }
	emRun(t, f.Fixture, []emCase{
		{
			Name: "one pago through the batch API", URL: "/api/batch", Actor: "finanzas", Body: batch(item(50)), Status: 200,
			Content: []string{`"status":200`},
			After: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				ps := emFind(t, app, "pagos", "cuota = {:c}", dbx.Params{"c": f.CuotaPen1})
				if len(ps) != 1 {
					t.Fatalf("pagos = %d", len(ps))
				}
				checkBooked(t, app, ps[0].Id, booking{cuota: f.CuotaPen1, sede: f.SedeA, concepto: "Pensión - Enfermería (Cuota 1)",
					fecha: "2026-03-01", usuario: f.Users["finanzas"], centimos: 5000, cuotaPagado: 5000, cuotaEstado: "Parcial"})
			},
		},
		{
			Name: "two pagos of one cuota in a batch see each other", URL: "/api/batch", Actor: "finanzas", Body: batch(item(100), item(50)),
			Status: 200, Content: []string{`"status":200`},
			After: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				c := emRecord(t, app, "cuotas", f.CuotaPen1)
				if emCents(c, "pagado") != 15000 || c.GetString("estado") != "Pagada" {
					t.Errorf("cuota pagado %d %s", emCents(c, "pagado"), c.GetString("estado"))
				}
			},
		},
		{
			Name: "a batch that overpays is refused whole", URL: "/api/batch", Actor: "finanzas", Body: batch(item(100), item(100)),
			Status: 400, Unchanged: true, Content: []string{"El monto supera el saldo de la cuota"},
		},
		{
			Name: "a batch from another sede is refused whole", URL: "/api/batch", Actor: "finanzasB", Body: batch(item(10)),
			Status: 400, Unchanged: true,
		},
	})
}

// TestPagoFromGo: app.Save of a pago (imports, jobs) books it exactly like the API.
func TestPagoFromGo(t *testing.T) {
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	f := emFixture(t)

	p := emPago(t, app, "", f.CuotaPen2, 150, "2026-04-05 04:59:59.000Z")
	checkBooked(t, app, p.Id, booking{cuota: f.CuotaPen2, sede: f.SedeA, concepto: "Pensión - Enfermería (Cuota 2)", fecha: "2026-04-04",
		centimos: 15000, cuotaPagado: 15000, cuotaEstado: "Pagada"})

	// refused in Go as over the API: nothing is written
	before := emFingerprint(t, app)
	c, _ := app.FindCollectionByNameOrId("pagos")
	over := core.NewRecord(c)
	over.Load(map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen2, "monto": 0.01, "medio_pago": f.Efectivo})
	if err := app.Save(over); err == nil {
		t.Fatal("Go code overpaid a cuota")
	}
	yape := core.NewRecord(c)
	yape.Load(map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen3, "monto": 10, "medio_pago": f.Yape})
	if err := app.Save(yape); err == nil {
		t.Fatal("Go code paid with Yape without voucher")
	}
	emSame(t, before, emFingerprint(t, app))
	sgultest.CheckMoneyInvariants(t, app)
}

// TestPagoImmutable: a registered pago's money never changes and pagos are never deleted,
// not even by a superuser.
func TestPagoImmutable(t *testing.T) {
	f := emFixture(t)
	const pagoID = "pagofijo0000001"
	url := pagosURL + "/" + pagoID
	withPago := func(t testing.TB, app *tests.TestApp) {
		emPago(t, app, pagoID, f.CuotaPen1, 50, "2026-03-02 03:30:00.000Z")
	}
	refused := func(name, method, actor string, body any, status int, content ...string) emCase {
		return emCase{Name: name, Method: method, URL: url, Actor: actor, Body: body, Status: status, Content: content,
			Unchanged: true, Before: withPago}
	}
	immutable := "Los datos económicos de un pago registrado no se modifican"
	emRun(t, f.Fixture, []emCase{
		refused("finanzas cannot change the monto", http.MethodPatch, "finanzas", map[string]any{"monto": 10}, 404),
		refused("finanzas cannot void by PATCH", http.MethodPatch, "finanzas", map[string]any{"estado": "Anulado"}, 404),
		refused("finanzas cannot move the pago to another cuota", http.MethodPatch, "finanzas", map[string]any{"cuota": f.CuotaPen2}, 404),
		refused("superuser cannot change the monto", http.MethodPatch, "superuser", map[string]any{"monto": 10}, 400, immutable),
		refused("superuser cannot change the fecha", http.MethodPatch, "superuser", map[string]any{"fecha_pago": "2026-01-01 10:00:00.000Z"}, 400, immutable),
		refused("superuser cannot change the sede", http.MethodPatch, "superuser", map[string]any{"sede": f.SedeB}, 400, immutable),
		refused("superuser cannot change the cuota", http.MethodPatch, "superuser", map[string]any{"cuota": f.CuotaPen2}, 400, immutable),
		refused("superuser cannot void by PATCH", http.MethodPatch, "superuser", map[string]any{"estado": "Anulado"}, 400, immutable),
		refused("superuser cannot change who registered it", http.MethodPatch, "superuser", map[string]any{"registrado_por": f.Users["admin"]}, 400, immutable),
		refused("finanzas cannot delete", http.MethodDelete, "finanzas", nil, 403),
		refused("superuser cannot delete", http.MethodDelete, "superuser", nil, 400, "Los pagos no se eliminan; anúlelos indicando el motivo."),
		refused("the student cannot delete", http.MethodDelete, "alumno1", nil, 403),
		refused("anonymous cannot delete", http.MethodDelete, "", nil, 403),
		{Name: "superuser cannot delete the pago's cuota", Method: http.MethodDelete, URL: "/api/collections/cuotas/records/" + f.CuotaPen1,
			Actor: "superuser", Status: 400, Content: []string{`"status":400`}, Unchanged: true, Before: withPago},
		{Name: "superuser cannot delete the pago's matrícula", Method: http.MethodDelete, URL: "/api/collections/matriculas/records/" + f.Matricula1,
			Actor: "superuser", Status: 400, Content: []string{`"status":400`}, Unchanged: true, Before: withPago},
		{
			Name: "a voided pago cannot be edited at all", Method: http.MethodPatch, URL: url, Actor: "superuser",
			Body: map[string]any{"motivo_anulacion": "otro motivo"}, Status: 400, Content: []string{"El pago está anulado"}, Unchanged: true,
			Before: func(t testing.TB, app *tests.TestApp) {
				withPago(t, app)
				voidPago(t, app, pagoID, "Voucher duplicado")
			},
		},
		{
			Name: "a non-money field can change and the books stay", Method: http.MethodPatch, URL: url, Actor: "finanzas",
			Body: map[string]any{"medio_pago": f.Efectivo}, Status: 200, Before: withPago, Content: []string{`"monto":50`},
			After: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				checkBooked(t, app, pagoID, booking{cuota: f.CuotaPen1, sede: f.SedeA, concepto: "Pensión - Enfermería (Cuota 1)",
					fecha: "2026-03-01", centimos: 5000, cuotaPagado: 5000, cuotaEstado: "Parcial"})
			},
		},
	})
}

// TestPagoImmutableFromGo: the same holds for Go code.
func TestPagoImmutableFromGo(t *testing.T) {
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	f := emFixture(t)
	p := emPago(t, app, "", f.CuotaPen1, 50, "")
	before := emFingerprint(t, app)
	for field, v := range map[string]any{"monto": 10, "estado": "Anulado", "sede": f.SedeB, "cuota": f.CuotaPen2} {
		r := emRecord(t, app, "pagos", p.Id)
		r.Set(field, v)
		if err := app.Save(r); err == nil {
			t.Errorf("Go code changed %s of a registered pago", field)
		}
	}
	if err := app.Delete(emRecord(t, app, "pagos", p.Id)); err == nil {
		t.Error("Go code deleted a pago")
	}
	emSame(t, before, emFingerprint(t, app))
	sgultest.CheckMoneyInvariants(t, app)
}

// TestPagoCuotaFollowsItsPagos: a cuota's amounts and state are never edited by hand (also
// not by a superuser or Go code), so pagado always equals its registered pagos.
func TestPagoCuotaFollowsItsPagos(t *testing.T) {
	f := emFixture(t)
	url := "/api/collections/cuotas/records/" + f.CuotaPen1
	withPago := func(t testing.TB, app *tests.TestApp) { emPago(t, app, "", f.CuotaPen1, 50, "") }
	fixed := "se calculan con sus pagos"
	refused := func(name, actor string, body map[string]any, status int, content ...string) emCase {
		return emCase{Name: name, Method: http.MethodPatch, URL: url, Actor: actor, Body: body, Status: status, Content: content,
			Unchanged: true, Before: withPago}
	}
	emRun(t, f.Fixture, []emCase{
		refused("superuser cannot set pagado", "superuser", map[string]any{"pagado": 150}, 400, `"pagado"`, fixed),
		refused("superuser cannot set the estado", "superuser", map[string]any{"estado": "Pagada"}, 400, `"estado"`, fixed),
		refused("superuser cannot change the monto", "superuser", map[string]any{"monto": 40}, 400, `"monto"`, fixed),
		refused("superuser cannot move the cuota to another matrícula", "superuser", map[string]any{"matricula": f.Matricula2}, 400, fixed),
		refused("finanzas cannot edit cuotas", "finanzas", map[string]any{"pagado": 150}, 403),
		refused("the student cannot edit cuotas", "alumno1", map[string]any{"pagado": 150}, 403),
		{Name: "the due date may move", Method: http.MethodPatch, URL: url, Actor: "superuser", Before: withPago,
			Body: map[string]any{"vencimiento": "2027-01-05 00:00:00.000Z"}, Status: 200, Content: []string{`"vencimiento":"2027-01-05`}},
	})

	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	withPago(t, app)
	before := emFingerprint(t, app)
	c := emRecord(t, app, "cuotas", f.CuotaPen1)
	c.Set("pagado", 0)
	if err := app.Save(c); err == nil {
		t.Fatal("Go code set a cuota's pagado by hand")
	}
	emSame(t, before, emFingerprint(t, app))
	sgultest.CheckMoneyInvariants(t, app)
}
