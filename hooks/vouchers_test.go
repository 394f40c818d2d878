package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"sgul/internal/academic"
	"sgul/internal/audit"
	"sgul/internal/schedule"
	"sgul/internal/sgultest"
)

const acVoucher = "acvoucher000001" // alumno1's Yape voucher of 150.00 for Pensión 1

// acSeedVoucher stores alumno1's voucher from Go code (the create hooks run).
func acSeedVoucher(t testing.TB, app *tests.TestApp) {
	f := emFixture(t)
	file, err := filesystem.NewFileFromBytes(emPNG(), "yape.png")
	if err != nil {
		t.Fatal(err)
	}
	emSave(t, app, "vouchers", acVoucher, map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": 150,
		"medio_pago": f.Yape, "fecha": schedule.LimaDate(time.Now()), "imagen": file})
}

func TestVoucherCreate(t *testing.T) {
	f := emFixture(t)
	coll := "/api/collections/vouchers/records"
	today := schedule.LimaDate(time.Now())
	fields := func(extra map[string]string) map[string]string {
		out := map[string]string{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": "150", "medio_pago": f.Yape, "fecha": today}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	send := func(name, actor string, extra map[string]string, files []string, status int, content ...string) emCase {
		body, headers := emMultipart(fields(extra), files...)
		c := emCase{Name: name, URL: coll, Actor: actor, Body: body, Headers: headers, Status: status, Content: content}
		if status != 200 {
			c = acRefused(c)
		}
		return c
	}
	img := []string{"imagen"}
	tomorrow := time.Now().In(schedule.LimaLocation()).AddDate(0, 0, 1).Format(time.DateOnly)
	emRun(t, f.Fixture, []emCase{
		send("anonymous", "", nil, img, 400),
		send("another student's matrícula", "alumno2", nil, img, 400),
		send("staff do not send vouchers", "finanzas", nil, img, 400),
		send("without image", "alumno1", nil, nil, 400, `"imagen"`),
		send("cuota of another matrícula", "alumno1", map[string]string{"cuota": f.CuotaCursoB}, img, 400, `"cuota"`, "sgul_cuota_otra_matricula"),
		send("more than the balance", "alumno1", map[string]string{"monto": "150.01"}, img, 400, `"monto"`, "sgul_monto_excede_saldo", "S/ 150.00"),
		send("three decimals", "alumno1", map[string]string{"monto": "10.005"}, img, 400, `"monto"`),
		send("a future date", "alumno1", map[string]string{"fecha": tomorrow}, img, 400, `"fecha"`, "sgul_fecha_futura"),
		send("a student sends a voucher: always Pendiente, no review data", "alumno1",
			map[string]string{"estado": "Aprobado", "motivo": "x", "revisado_por": f.Users["admin"]}, img, 200,
			`"estado":"Pendiente"`, `"motivo":""`, `"revisado_por":""`, `"pago":""`),
	})
}

func TestVoucherReview(t *testing.T) {
	f := emFixture(t)
	aprobar := "/api/vouchers/" + acVoucher + "/aprobar"
	rechazar := "/api/vouchers/" + acVoucher + "/rechazar"
	refused := func(name, url, actor string, before func(testing.TB, *tests.TestApp), body any, status int, content ...string) emCase {
		return acRefused(emCase{Name: name, URL: url, Actor: actor, Before: before, Body: body, Status: status, Content: content})
	}
	finanzas := func(t testing.TB, app *tests.TestApp) audit.Actor {
		return audit.ActorFromAuth(emRecord(t, app, "users", f.Users["finanzas"]))
	}
	approved := func(t testing.TB, app *tests.TestApp) {
		acSeedVoucher(t, app)
		if _, err := academic.AprobarVoucher(app, acVoucher, finanzas(t, app), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	rejected := func(t testing.TB, app *tests.TestApp) {
		acSeedVoucher(t, app)
		if _, err := academic.RechazarVoucher(app, acVoucher, "Foto ilegible", finanzas(t, app), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	list := "/api/collections/vouchers/records"
	emRun(t, f.Fixture, []emCase{
		refused("anonymous", aprobar, "", acSeedVoucher, nil, 401),
		refused("student approving his own voucher", aprobar, "alumno1", acSeedVoucher, nil, 403),
		refused("role without pagos (ventas)", aprobar, "ventas", acSeedVoucher, nil, 403),
		refused("pagos staff of another sede", aprobar, "finanzasB", acSeedVoucher, nil, 403),
		refused("unknown voucher", "/api/vouchers/noexiste0000000/aprobar", "finanzas", nil, nil, 404),
		{
			Name: "finanzas approves: the pago, its ingreso, the cuota and the link in one go", URL: aprobar, Actor: "finanzas",
			Before: acSeedVoucher, Status: 200, Content: []string{`"estado":"Aprobado"`, `"sin_cambios":false`, `"monto":150`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				v := emRecord(t, app, "vouchers", acVoucher)
				pagos := emFind(t, app, "pagos", "cuota = {:c}", dbx.Params{"c": f.CuotaPen1})
				if len(pagos) != 1 || v.GetString("pago") != pagos[0].Id || v.GetString("revisado_por") != f.Users["finanzas"] || v.GetDateTime("fecha_revision").IsZero() {
					t.Fatalf("voucher %v, pagos %d", v.FieldsData(), len(pagos))
				}
				p := pagos[0]
				if emCents(p, "monto") != 15000 || p.GetString("comprobante") == "" || p.GetString("registrado_por") != f.Users["finanzas"] ||
					p.GetString("sede") != f.SedeA || schedule.LimaDate(p.GetDateTime("fecha_pago").Time()) != schedule.LimaDate(time.Now()) {
					t.Errorf("pago = %v", p.FieldsData())
				}
				if ings := emFind(t, app, "ingresos", "pago = {:p}", dbx.Params{"p": p.Id}); len(ings) != 1 || emCents(ings[0], "monto") != 15000 {
					t.Errorf("ingresos of the pago = %v", ings)
				}
				if c := emRecord(t, app, "cuotas", f.CuotaPen1); c.GetString("estado") != "Pagada" {
					t.Errorf("cuota estado = %s", c.GetString("estado"))
				}
				if aud := emAudit(t, app, "vouchers", acVoucher); len(aud) != 1 || aud[0].GetString("accion") != "aprobar" {
					t.Errorf("audit = %v", aud)
				}
			},
		},
		{
			Name: "approving twice does nothing", URL: aprobar, Actor: "admin", Before: approved, Status: 200,
			Content: []string{`"sin_cambios":true`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := acCount(t, app, "pagos", "cuota = {:c}", dbx.Params{"c": f.CuotaPen1}); n != 1 {
					t.Errorf("pagos = %d", n)
				}
			},
		},
		refused("rejecting needs a reason", rechazar, "finanzas", acSeedVoucher, map[string]any{"motivo": " "}, 400, `"motivo"`),
		refused("an approved voucher cannot be rejected", rechazar, "finanzas", approved, map[string]any{"motivo": "Duplicado"}, 409),
		refused("a rejected voucher cannot be approved", aprobar, "finanzas", rejected, nil, 409),
		{
			Name: "finanzas rejects with a reason the student can read", URL: rechazar, Actor: "finanzas", Before: acSeedVoucher,
			Body: map[string]any{"motivo": "La foto no se lee"}, Status: 200,
			Content: []string{`"estado":"Rechazado"`, `"motivo":"La foto no se lee"`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := acCount(t, app, "pagos", "cuota = {:c}", dbx.Params{"c": f.CuotaPen1}); n != 0 {
					t.Errorf("pagos = %d", n)
				}
			},
		},
		acRefused(emCase{Name: "vouchers are not edited through the API", Method: http.MethodPatch, URL: list + "/" + acVoucher,
			Actor: "finanzas", Before: acSeedVoucher, Body: map[string]any{"estado": "Aprobado"}, Status: 403}),
		acRefused(emCase{Name: "not even by superusers", Method: http.MethodPatch, URL: list + "/" + acVoucher, Actor: "superuser",
			Before: acSeedVoucher, Body: map[string]any{"estado": "Aprobado"}, Status: 400, Content: []string{"sgul_voucher_inmutable"}}),
		{Name: "alumno1 lists his vouchers", Method: http.MethodGet, URL: list, Actor: "alumno1", Before: rejected, Status: 200,
			Content: []string{acVoucher, `"motivo":"Foto ilegible"`}},
		{Name: "alumno2 sees none", Method: http.MethodGet, URL: list, Actor: "alumno2", Before: acSeedVoucher, Status: 200,
			Content: []string{`"totalItems":0`}, NotContent: []string{acVoucher}},
		{Name: "finanzasB sees none", Method: http.MethodGet, URL: list, Actor: "finanzasB", Before: acSeedVoucher, Status: 200,
			Content: []string{`"totalItems":0`}},
		{Name: "finanzas of the sede sees it", Method: http.MethodGet, URL: list, Actor: "finanzas", Before: acSeedVoucher, Status: 200,
			Content: []string{acVoucher}},
	})
}

// TestVoucherApprovedConcurrently: two staff approve the same voucher at once; one pago.
func TestVoucherApprovedConcurrently(t *testing.T) {
	f := emFixture(t)
	for round := range 3 {
		app, _ := sgultest.NewApp(t)
		acSeedVoucher(t, app)
		url := "/api/vouchers/" + acVoucher + "/aprobar"
		codes := acConcurrently(t, sgultest.Serve(t, app), f.Fixture,
			acRequest{Method: "POST", URL: url, Actor: "finanzas"}, acRequest{Method: "POST", URL: url, Actor: "admin"})
		if codes[0] != 200 || codes[1] != 200 {
			t.Errorf("round %d: codes = %v, want 200 twice (the second changes nothing)", round, codes)
		}
		pagos := emFind(t, app, "pagos", "cuota = {:c}", dbx.Params{"c": f.CuotaPen1})
		if len(pagos) != 1 {
			t.Fatalf("round %d: pagos = %d, want 1", round, len(pagos))
		}
		if ings := emFind(t, app, "ingresos", "pago = {:p}", dbx.Params{"p": pagos[0].Id}); len(ings) != 1 {
			t.Errorf("round %d: ingresos = %d", round, len(ings))
		}
		if v := emRecord(t, app, "vouchers", acVoucher); v.GetString("pago") != pagos[0].Id || !strings.EqualFold(v.GetString("estado"), "Aprobado") {
			t.Errorf("round %d: voucher = %v", round, v.FieldsData())
		}
		sgultest.CheckMoneyInvariants(t, app)
		app.Cleanup()
	}
}
