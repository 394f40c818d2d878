package hooks_test

import (
	"fmt"
	"strings"
	"testing"

	"sgul/internal/sgultest"
)

// tbRecorder collects the errors a checker reports instead of failing the test.
type tbRecorder struct {
	testing.TB
	errs []string
}

func (r *tbRecorder) Helper() {}
func (r *tbRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestInvariantsCatchCorruption proves CheckMoneyInvariants is not vacuous: each kind of
// corruption, written behind the hooks' back with SQL, is reported.
func TestInvariantsCatchCorruption(t *testing.T) {
	f := emFixture(t)
	const pagoID = "pagoinvariant01"
	for _, c := range []struct {
		name, sql, want string
	}{
		{"cuota pagado off by a céntimo", "UPDATE cuotas SET pagado = pagado + 0.01 WHERE id = '" + f.CuotaPen1 + "'", "registered pagos add up to"},
		{"a pago without its ingreso", "DELETE FROM ingresos WHERE pago = '" + pagoID + "'", "ingresos of origen Pago, want 1"},
		{"an ingreso of another amount", "UPDATE ingresos SET monto = 99.99 WHERE pago = '" + pagoID + "'", "registered pagos"},
		{"an ingreso on the UTC date", "UPDATE ingresos SET fecha = '2026-03-02 00:00:00.000Z' WHERE pago = '" + pagoID + "'", "(Lima)"},
		{"an ingreso in another sede", "UPDATE ingresos SET sede = '" + f.SedeB + "' WHERE pago = '" + pagoID + "'", "in sede"},
		{"a void without reversal", "UPDATE pagos SET estado = 'Anulado' WHERE id = '" + pagoID + "'", "origen Anulación, want 1"},
		{"a cuota state that disagrees", "UPDATE cuotas SET estado = 'Pagada' WHERE id = '" + f.CuotaPen1 + "'", "want Parcial"},
		{"monthly totals drift", "UPDATE saldos_mensuales SET ingresos_centimos = ingresos_centimos + 1", "ledger GROUP BY gives"},
		{"a ledger row the totals never saw", "INSERT INTO gastos (id, sede, concepto, monto, fecha, origen) VALUES ('gastosolo000001', '" +
			f.SedeA + "', 'x', 10, '2026-05-01 00:00:00.000Z', 'Manual')", "saldos_mensuales"},
	} {
		t.Run(c.name, func(t *testing.T) {
			app, _ := sgultest.NewApp(t)
			defer app.Cleanup()
			emPago(t, app, pagoID, f.CuotaPen1, 50, "2026-03-02 03:30:00.000Z")
			sgultest.CheckMoneyInvariants(t, app) // sound before the corruption
			if _, err := app.DB().NewQuery(c.sql).Execute(); err != nil {
				t.Fatal(err)
			}
			rec := &tbRecorder{TB: t}
			sgultest.CheckMoneyInvariants(rec, app)
			for _, e := range rec.errs {
				if strings.Contains(e, c.want) {
					return
				}
			}
			t.Fatalf("no report containing %q; got %q", c.want, rec.errs)
		})
	}
}
