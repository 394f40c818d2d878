package hooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"sgul/internal/sgultest"
)

// The authorization tests run against the sgultest fixture plus a "world" of extra rows
// (ledger, payroll, grades, audit...) in both sedes. The extra rows are inserted with
// plain SQL so that record hooks added by later issues (schedules, ledger entries,
// audit) neither refuse nor multiply them: these tests are about API rules only. The
// world therefore breaks the money invariants (pagos without their ingreso...): never run
// sgultest.CheckMoneyInvariants on it.

// actors lists every fixture identity the rule tables are checked for.
var actors = []string{"anonymous", "alumno1", "alumno2", "admin", "ventas", "finanzas", "docente",
	"rrhh", "analista", "ventasB", "finanzasB", "norole", "inactive", "superuser"}

// activeStaff are the users records that may act at all (inactive is excluded).
var activeStaff = []string{"admin", "ventas", "finanzas", "docente", "rrhh", "analista", "ventasB", "finanzasB", "norole"}

// world holds the fixture and the ids of the extra rows.
type world struct {
	sgultest.Fixture
	Alumno3, Matricula3                     string // sede A, enrolled in Especializacion (not taught by docente)
	CuotaA, CuotaB, Cuota3                  string // of Matricula1, Matricula2, Matricula3
	PagoA, PagoB                            string // of CuotaA (sede A) and CuotaB (sede B)
	IngresoA, IngresoB, IngresoPagoA        string // Manual A, Manual B, origen Pago (of PagoA)
	GastoA, GastoB, GastoPlanillaA          string // Manual A, Manual B, origen Planilla (of PlanillaVentas)
	EmpVentas, EmpB                         string // employee rows of ventas (sede A) and ventasB (sede B)
	PlanillaA, PlanillaVentas, PlanillaB    string // Borrador (EmpleadoA), Pagada (EmpVentas), Borrador (EmpB)
	DocA, DocB                              string // documentos of EmpVentas and EmpB
	NotaA, NotaB, Nota3                     string // of Matricula1, Matricula2, Matricula3
	AsisA, AsisB, Asis3                     string
	InterA, InterB                          string // interacciones of LeadA and LeadB
	AudPagoA, AudPagoB, AudNotaA, AudLeadA  string // audit rows of PagoA, PagoB, NotaA, LeadA
	AudUser                                 string // an audit row without sede
	VoucherA, VoucherB                      string // vouchers sent for CuotaA and CuotaB
	NotifA, NotifB, DispA, DispB            string // notificaciones and dispositivos of alumno1, alumno2
	EntregaA                                string // entregas_push of NotifA to DispA
	CampA, CampB, EnvioA, EnvioB, BajaA     string // campañas (and their envíos) of sede A and B; an opt-out
	RepVentas                               string // reportes: asked by ventas, no sede
	RepBalanceA, RepNotasA, RepIngresosB    string // reportes of sede A (balance, notas) and B (ingresos), asked by admin
	DocenteCursoB                           string // docentes_programa: admin teaches Curso (sede B)
	FileDNI, FileComprobante, FileDocumento string // stored names of the protected files (withFiles)

	rows map[string]bool // collections seed writes to
}

// tid makes a valid, readable 15-character record id for an extra row.
func tid(name string) string {
	s := "t" + strings.ToLower(name)
	return s + strings.Repeat("0", 15-len(s))
}

func newWorld(t testing.TB) *world {
	w := &world{Fixture: sgultest.Get(t), rows: map[string]bool{}}
	w.Alumno3, w.Matricula3 = tid("alumno3"), tid("matr3")
	w.CuotaA, w.CuotaB, w.Cuota3 = tid("cuotaa"), tid("cuotab"), tid("cuota3")
	w.PagoA, w.PagoB = tid("pagoa"), tid("pagob")
	w.IngresoA, w.IngresoB, w.IngresoPagoA = tid("ingresoa"), tid("ingresob"), tid("ingpagoa")
	w.GastoA, w.GastoB, w.GastoPlanillaA = tid("gastoa"), tid("gastob"), tid("gastoplana")
	w.EmpVentas, w.EmpB = tid("empventas"), tid("empb")
	w.PlanillaA, w.PlanillaVentas, w.PlanillaB = tid("plana"), tid("planventas"), tid("planb")
	w.DocA, w.DocB = tid("doca"), tid("docb")
	w.NotaA, w.NotaB, w.Nota3 = tid("notaa"), tid("notab"), tid("nota3")
	w.AsisA, w.AsisB, w.Asis3 = tid("asisa"), tid("asisb"), tid("asis3")
	w.InterA, w.InterB = tid("intera"), tid("interb")
	w.AudPagoA, w.AudPagoB, w.AudNotaA, w.AudLeadA, w.AudUser = tid("audpagoa"), tid("audpagob"), tid("audnotaa"), tid("audleada"), tid("auduser")
	w.VoucherA, w.VoucherB = tid("vouchera"), tid("voucherb")
	w.NotifA, w.NotifB, w.DispA, w.DispB = tid("notifa"), tid("notifb"), tid("dispa"), tid("dispb")
	w.EntregaA = tid("entregaa")
	w.CampA, w.CampB, w.EnvioA, w.EnvioB, w.BajaA = tid("campa"), tid("campb"), tid("envioa"), tid("enviob"), tid("bajaa")
	w.RepVentas, w.RepBalanceA, w.RepNotasA, w.RepIngresosB = tid("repventas"), tid("repbalancea"), tid("repnotasa"), tid("repingresosb")
	w.DocenteCursoB = tid("dpadmincurso")
	w.FileDNI, w.FileComprobante, w.FileDocumento = "dni_alumno1.pdf", "voucher_pagoa.png", "contrato_ventas.pdf"
	return w
}

// seed inserts the extra rows into app (a fresh clone).
func (w *world) seed(t testing.TB, app core.App) {
	t.Helper()
	err := app.RunInTransaction(func(tx core.App) error {
		w.seedRows(t, tx)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) seedRows(t testing.TB, app core.App) {
	t.Helper()
	A, B := w.SedeA, w.SedeB
	ins := func(coll, id string, data map[string]any) {
		w.rows[coll] = true
		insertRow(t, app, coll, id, data)
	}

	ins("alumnos", w.Alumno3, map[string]any{"email": "alumno3@test.sgul.pe", "nombre_completo": "Rut Apaza", "dni": "70000003"})
	ins("matriculas", w.Matricula3, map[string]any{"alumno": w.Alumno3, "programa": w.Especializacion, "modalidad": w.Virtual,
		"sede": A, "estado": "Activo", "fecha_inscripcion": "2026-03-03 15:00:00.000Z"})
	cuota := func(id, matricula string) {
		// numero 99: clear of the schedule the enrolment hooks generate
		ins("cuotas", id, map[string]any{"matricula": matricula, "concepto": "Pensión", "numero": 99, "monto": 300,
			"vencimiento": "2026-04-05 12:00:00.000Z", "estado": "Pendiente"})
	}
	cuota(w.CuotaA, w.Matricula1)
	cuota(w.CuotaB, w.Matricula2)
	cuota(w.Cuota3, w.Matricula3)
	pago := func(id, matricula, cuota, sede string) {
		ins("pagos", id, map[string]any{"matricula": matricula, "cuota": cuota, "concepto": "Matrícula", "numero_cuota": 1,
			"monto": 100, "fecha_pago": "2026-03-04 15:00:00.000Z", "medio_pago": w.Efectivo, "sede": sede, "estado": "Registrado"})
	}
	pago(w.PagoA, w.Matricula1, w.CuotaA, A)
	pago(w.PagoB, w.Matricula2, w.CuotaB, B)
	ledger := func(coll, id, sede, origen string, extra map[string]any) {
		data := map[string]any{"sede": sede, "concepto": "Movimiento " + origen, "monto": 100, "fecha": "2026-03-04 15:00:00.000Z", "origen": origen}
		for k, v := range extra {
			data[k] = v
		}
		ins(coll, id, data)
	}
	ledger("ingresos", w.IngresoA, A, "Manual", nil)
	ledger("ingresos", w.IngresoB, B, "Manual", nil)
	ledger("ingresos", w.IngresoPagoA, A, "Pago", map[string]any{"pago": w.PagoA})
	emp := func(id, usuario, sede, dni string) {
		ins("empleados", id, map[string]any{"usuario": usuario, "nombres": "Empleado", "apellidos": id, "dni": dni, "cargo": "Asesor",
			"sueldo_basico": 1234.56, "regimen_pension": "ONP", "tasa_pension": 0.13, "sede": sede, "activo": true})
	}
	emp(w.EmpVentas, w.Users["ventas"], A, "40000002")
	emp(w.EmpB, w.Users["ventasB"], B, "40000003")
	plan := func(id, empleado, estado string) {
		ins("planillas", id, map[string]any{"empleado": empleado, "mes": 2, "anio": 2026, "sueldo_basico": 1500, "neto_pagado": 1305, "estado": estado})
	}
	plan(w.PlanillaA, w.EmpleadoA, "Borrador")
	plan(w.PlanillaVentas, w.EmpVentas, "Pagada")
	plan(w.PlanillaB, w.EmpB, "Borrador")
	ledger("gastos", w.GastoA, A, "Manual", nil)
	ledger("gastos", w.GastoB, B, "Manual", nil)
	ledger("gastos", w.GastoPlanillaA, A, "Planilla", map[string]any{"planilla": w.PlanillaVentas})
	ins("documentos", w.DocA, map[string]any{"empleado": w.EmpVentas, "titulo": "Contrato", "archivo": w.FileDocumento})
	ins("documentos", w.DocB, map[string]any{"empleado": w.EmpB, "titulo": "Contrato", "archivo": "contrato_b.pdf"})
	academic := func(coll, id, matricula string) {
		if coll == "notas" {
			ins(coll, id, map[string]any{"matricula": matricula, "malla": w.MallaCarrera1, "tipo": "Práctica", "nota": 15})
			return
		}
		ins(coll, id, map[string]any{"matricula": matricula, "malla": w.MallaCarrera1, "fecha_clase": "2026-03-10 13:00:00.000Z", "asistio": true})
	}
	academic("notas", w.NotaA, w.Matricula1)
	academic("notas", w.NotaB, w.Matricula2)
	academic("notas", w.Nota3, w.Matricula3)
	academic("asistencias", w.AsisA, w.Matricula1)
	academic("asistencias", w.AsisB, w.Matricula2)
	academic("asistencias", w.Asis3, w.Matricula3)
	inter := func(id, lead, usuario string) {
		ins("interacciones", id, map[string]any{"lead": lead, "usuario": usuario, "tipo": "Llamada", "resultado": "Interesado", "fecha": "2026-03-01 15:00:00.000Z"})
	}
	inter(w.InterA, w.LeadA, w.Users["ventas"])
	inter(w.InterB, w.LeadB, w.Users["ventasB"])
	aud := func(id, coleccion, registro, sede string) {
		ins("auditoria", id, map[string]any{"coleccion": coleccion, "registro": registro, "accion": "crear", "usuario": w.Users["admin"], "sede": sede})
	}
	aud(w.AudPagoA, "pagos", w.PagoA, A)
	aud(w.AudPagoB, "pagos", w.PagoB, B)
	aud(w.AudNotaA, "notas", w.NotaA, A)
	aud(w.AudLeadA, "leads", w.LeadA, A)
	aud(w.AudUser, "users", w.Users["ventas"], "")
	voucher := func(id, matricula, cuota string) {
		ins("vouchers", id, map[string]any{"matricula": matricula, "cuota": cuota, "monto": 100, "medio_pago": w.Yape,
			"fecha": "2026-03-04 15:00:00.000Z", "imagen": "voucher.png", "estado": "Pendiente"})
	}
	voucher(w.VoucherA, w.Matricula1, w.CuotaA)
	voucher(w.VoucherB, w.Matricula2, w.CuotaB)
	ins("docentes_programa", w.DocenteCursoB, map[string]any{"docente": w.Users["admin"], "programa": w.Curso})

	// notifications, mass e-mail and reports
	notif := func(id, disp, alumno string) {
		ins("notificaciones", id, map[string]any{"alumno": alumno, "titulo": "Aviso", "mensaje": "Clases el lunes", "tipo": "anuncio"})
		ins("dispositivos", disp, map[string]any{"alumno": alumno, "token": "ExponentPushToken[" + disp + "]", "plataforma": "expo", "activo": true})
	}
	notif(w.NotifA, w.DispA, w.Alumno1)
	notif(w.NotifB, w.DispB, w.Alumno2)
	ins("entregas_push", w.EntregaA, map[string]any{"notificacion": w.NotifA, "dispositivo": w.DispA, "plataforma": "expo", "estado": "enviado"})
	camp := func(id, envio, sede string) {
		ins("campanas", id, map[string]any{"asunto": "Matrícula abierta", "cuerpo": "<p>Hola</p>", "audiencia": "alumnos", "sede": sede, "estado": "Borrador"})
		ins("envios", envio, map[string]any{"campana": id, "email": envio + "@test.sgul.pe", "estado": "pendiente"})
	}
	camp(w.CampA, w.EnvioA, A)
	camp(w.CampB, w.EnvioB, B)
	ins("bajas_correo", w.BajaA, map[string]any{"email": "baja@test.sgul.pe", "fecha": "2026-03-01 12:00:00.000Z"})
	rep := func(id, tipo, sede, by string) {
		ins("reportes", id, map[string]any{"tipo": tipo, "formato": "xlsx", "sede": sede, "estado": "Listo", "solicitado_por": by})
	}
	rep(w.RepVentas, "leads", "", w.Users["ventas"])
	rep(w.RepBalanceA, "balance", A, w.Users["admin"])
	rep(w.RepNotasA, "notas", A, w.Users["admin"])
	rep(w.RepIngresosB, "ingresos", B, w.Users["admin"])
}

// withFiles stores one file in each protected field under test: alumno1's DNI scan,
// PagoA's voucher and DocA's document (the row of DocA already names its file).
func (w *world) withFiles(t testing.TB, app core.App) {
	t.Helper()
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	put := func(coll, id, field, name string, content []byte) {
		rec, err := app.FindRecordById(coll, id)
		if err != nil {
			t.Fatalf("withFiles %s/%s: %v", coll, id, err)
		}
		file, err := filesystem.NewFileFromBytes(content, name)
		if err != nil {
			t.Fatal(err)
		}
		file.Name = name // a known name for the download URL
		fsys, err := app.NewFilesystem()
		if err != nil {
			t.Fatal(err)
		}
		defer fsys.Close()
		if err := fsys.UploadFile(file, rec.BaseFilesPath()+"/"+name); err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB().Update(coll, dbx.Params{field: name}, dbx.HashExp{"id": id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	put("alumnos", w.Alumno1, "archivo_dni", w.FileDNI, pdf)
	put("pagos", w.PagoA, "comprobante", w.FileComprobante, png)
	put("documentos", w.DocA, "archivo", w.FileDocumento, pdf)
}

// insertRow writes one row with plain SQL: no validation, no record hooks.
func insertRow(t testing.TB, app core.App, coll, id string, data map[string]any) {
	t.Helper()
	c, err := app.FindCachedCollectionByNameOrId(coll)
	if err != nil {
		t.Fatalf("insert %s: %v", coll, err)
	}
	r := core.NewRecord(c)
	r.Id = id
	r.Load(data)
	if c.IsAuth() {
		r.RefreshTokenKey()
		r.SetVerified(true)
	}
	now := types.NowDateTime()
	if c.Fields.GetByName("created") != nil {
		r.SetRaw("created", now)
		r.SetRaw("updated", now)
	}
	row, err := r.DBExport(app)
	if err != nil {
		t.Fatalf("insert %s: %v", coll, err)
	}
	if _, err := app.DB().Insert(c.Name, dbx.Params(row)).Execute(); err != nil {
		t.Fatalf("insert %s %s: %v", coll, id, err)
	}
}

// setPermisosExtra replaces the permisos_extra of a fixture user (its token stays valid).
func setPermisosExtra(t testing.TB, app core.App, userID string, perms ...string) {
	t.Helper()
	raw, _ := json.Marshal(perms)
	if _, err := app.DB().Update("users", dbx.Params{"permisos_extra": string(raw)}, dbx.HashExp{"id": userID}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// jsonBody encodes v as a request body.
func jsonBody(v map[string]any) io.Reader {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return bytes.NewReader(raw)
}

// multipartBody builds a multipart request with text fields and one PDF file.
func multipartBody(fields map[string]string, fileField, fileName string) (io.Reader, string) {
	buf := new(bytes.Buffer)
	mp := multipart.NewWriter(buf)
	for k, v := range fields {
		_ = mp.WriteField(k, v)
	}
	fw, _ := mp.CreateFormFile(fileField, fileName)
	_, _ = fw.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	_ = mp.Close()
	return buf, mp.FormDataContentType()
}

// headers merges the actor's Authorization header with extra headers.
func headers(f sgultest.Fixture, actor string, extra map[string]string) map[string]string {
	h := map[string]string{}
	for k, v := range f.Auth(actor) {
		h[k] = v
	}
	for k, v := range extra {
		h[k] = v
	}
	return h
}

// seededFor seeds the world only when coll has rows in it (it saves time on catalogues);
// w.rows is filled by the first seed, see survey.
func (w *world) seededFor(coll string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	if len(w.rows) == 0 {
		panic("rules test: seed the world once before seededFor")
	}
	if !w.rows[coll] {
		return nil
	}
	return w.seeded()
}

// seeded is a BeforeTestFunc that adds the world's extra rows.
func (w *world) seeded(extra ...func(testing.TB, *tests.TestApp)) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		w.seed(t, app)
		for _, fn := range extra {
			fn(t, app)
		}
	}
}
