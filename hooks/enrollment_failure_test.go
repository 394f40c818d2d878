package hooks_test

import (
	"errors"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/sgultest"
)

// errSimulated is what the test-only hooks below fail with; it must never reach a client.
var errSimulated = errors.New("fallo simulado del libro")

// failing binds a test-only hook that makes one derived write fail.
type failing struct {
	name string
	bind func(app core.App)
}

var derivedWriteFailures = []failing{
	{"the ingreso", func(app core.App) {
		app.OnRecordCreateExecute("ingresos").BindFunc(func(e *core.RecordEvent) error { return errSimulated })
	}},
	{"the cuota update", func(app core.App) {
		app.OnRecordUpdateExecute("cuotas").BindFunc(func(e *core.RecordEvent) error { return errSimulated })
	}},
	{"the audit row", func(app core.App) {
		app.OnRecordCreateExecute("auditoria").BindFunc(func(e *core.RecordEvent) error { return errSimulated })
	}},
}

// TestPagoFailureLeavesNothing: when any write a pago causes fails, the pago is not
// registered either: no pago, no ingreso, no audit row, no file, the cuota unchanged.
func TestPagoFailureLeavesNothing(t *testing.T) {
	f := emFixture(t)
	var cases []emCase
	for _, fail := range derivedWriteFailures {
		before := func(t testing.TB, app *tests.TestApp) { fail.bind(app) }
		yape, yapeHeaders := emMultipart(map[string]string{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": "50", "medio_pago": f.Yape},
			"comprobante")
		cases = append(cases,
			emCase{Name: "API: " + fail.name + " fails", URL: pagosURL, Actor: "finanzas", Body: pagoBody(f, nil), Status: 400,
				Unchanged: true, Before: before, Content: []string{"No se pudo crear el registro."}, NotContent: []string{errSimulated.Error()}},
			emCase{Name: "API with a voucher: " + fail.name + " fails", URL: pagosURL, Actor: "finanzas", Body: yape, Headers: yapeHeaders,
				Status: 400, Unchanged: true, Before: before, Content: []string{"No se pudo crear el registro."}, NotContent: []string{errSimulated.Error()}},
			emCase{Name: "batch: " + fail.name + " fails", URL: "/api/batch", Actor: "finanzas", Status: 400, Unchanged: true, Before: before,
				Body:    map[string]any{"requests": []any{map[string]any{"method": "POST", "url": pagosURL, "body": pagoBody(f, nil)}}},
				Content: []string{`"status":400`}, NotContent: []string{errSimulated.Error()}},
		)
	}
	emRun(t, f.Fixture, cases)
}

// TestPagoFailureFromGo: the same from Go code (app.Save).
func TestPagoFailureFromGo(t *testing.T) {
	f := emFixture(t)
	for _, fail := range derivedWriteFailures {
		t.Run(fail.name, func(t *testing.T) {
			app, _ := sgultest.NewApp(t)
			defer app.Cleanup()
			fail.bind(app)
			before := emFingerprint(t, app)
			c, _ := app.FindCollectionByNameOrId("pagos")
			p := core.NewRecord(c)
			p.Load(map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": 50, "medio_pago": f.Efectivo})
			if err := app.Save(p); !errors.Is(err, errSimulated) {
				t.Fatalf("save = %v, want the simulated failure", err)
			}
			emSame(t, before, emFingerprint(t, app))
			sgultest.CheckMoneyInvariants(t, app)
		})
	}
}

// TestVoidFailureLeavesPagoRegistered: a void whose reversal, cuota update or audit row
// fails leaves the pago Registrado and the books as they were.
func TestVoidFailureLeavesPagoRegistered(t *testing.T) {
	f := emFixture(t)
	const pagoID = "pagovoidfail001"
	var cases []emCase
	for _, fail := range derivedWriteFailures {
		cases = append(cases, emCase{Name: fail.name + " fails", URL: "/api/pagos/" + pagoID + "/anular", Actor: "finanzas",
			Body: map[string]any{"motivo": "Prueba"}, Status: 400, Unchanged: true, Content: []string{"Ocurrió un error al procesar la solicitud."},
			NotContent: []string{errSimulated.Error()},
			Before: func(t testing.TB, app *tests.TestApp) {
				emPago(t, app, pagoID, f.CuotaPen1, 100, "")
				fail.bind(app)
			}})
	}
	emRun(t, f.Fixture, cases)
}

// TestConvertFailureLeavesNothing: a conversion whose schedule, interaction or queued
// mail cannot be written leaves no alumno, matrícula or cuota and the lead Pendiente.
func TestConvertFailureLeavesNothing(t *testing.T) {
	f := emFixture(t)
	var cases []emCase
	for _, coll := range []string{"cuotas", "interacciones", "jobs", "idempotencia"} {
		cases = append(cases, emCase{Name: "writing " + coll + " fails", URL: convertURL, Actor: "ventas", Body: convertBody(f, nil),
			Headers: map[string]string{"Idempotency-Key": "conv-falla"}, Status: 400, Unchanged: true,
			Content: []string{"Ocurrió un error al procesar la solicitud."}, NotContent: []string{errSimulated.Error()},
			Before: func(t testing.TB, app *tests.TestApp) {
				app.OnRecordCreateExecute(coll).BindFunc(func(e *core.RecordEvent) error { return errSimulated })
			}})
	}
	emRun(t, f.Fixture, cases)
}
