package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/jobs"
	"sgul/internal/notify"
)

func setRow(t *testing.T, app core.App, table, id string, set dbx.Params) {
	t.Helper()
	if _, err := app.DB().Update(table, set, dbx.HashExp{"id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

func cuotaID(t *testing.T, app core.App, matricula, concepto string, numero int) string {
	t.Helper()
	r, err := app.FindFirstRecordByFilter("cuotas", "matricula = {:m} && concepto = {:c} && numero = {:n}",
		dbx.Params{"m": matricula, "c": concepto, "n": numero})
	if err != nil {
		t.Fatal(err)
	}
	return r.Id
}

func runReminders(t *testing.T, app core.App, fecha string) {
	t.Helper()
	raw, _ := json.Marshal(map[string]string{"fecha": fecha})
	if err := notify.HandleRecordatorios(context.Background(), app, &jobs.Job{Id: "r", Tipo: notify.JobRecordatorios, Payload: raw}); err != nil {
		t.Fatal(err)
	}
}

func reminders(t *testing.T, app core.App) []*core.Record {
	t.Helper()
	recs, err := app.FindRecordsByFilter("notificaciones", "tipo = 'recordatorio'", "created", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// Reminders: a cuota due in 3 days and an overdue one are reminded, privately and
// politely, at most once per cuota per ISO week; paid cuotas and withdrawn students are
// left alone. 2026-03-02 is a Monday (ISO week 10).
func TestRecordatorios(t *testing.T) {
	app, f := newApp(t)
	soon := cuotaID(t, app, f.Matricula1, "Pensión", 1)
	overdue := cuotaID(t, app, f.Matricula1, "Matrícula", 1)
	paid := cuotaID(t, app, f.Matricula1, "Pensión", 2)
	setRow(t, app, "cuotas", soon, dbx.Params{"vencimiento": "2026-03-05 00:00:00.000Z"})
	setRow(t, app, "cuotas", overdue, dbx.Params{"vencimiento": "2026-02-20 00:00:00.000Z", "pagado": 40, "estado": "Parcial"})
	setRow(t, app, "cuotas", paid, dbx.Params{"vencimiento": "2026-02-05 00:00:00.000Z", "pagado": 150, "estado": "Pagada"})
	setRow(t, app, "cuotas", cuotaID(t, app, f.Matricula1, "Pensión", 3), dbx.Params{"vencimiento": "2026-12-05 00:00:00.000Z"})
	retirado := cuotaID(t, app, f.Matricula2, "Pago Único", 1)
	setRow(t, app, "cuotas", retirado, dbx.Params{"vencimiento": "2026-01-10 00:00:00.000Z"})
	setRow(t, app, "matriculas", f.Matricula2, dbx.Params{"estado": "Retirado"})

	runReminders(t, app, "2026-03-02")
	got := reminders(t, app)
	if len(got) != 2 {
		t.Fatalf("%d recordatorios el lunes, quería 2 (por vencer y vencida)", len(got))
	}
	byCuota := map[string]*core.Record{}
	for _, r := range got {
		var data map[string]any
		raw, _ := json.Marshal(r.Get("data"))
		_ = json.Unmarshal(raw, &data)
		byCuota[data["cuota"].(string)] = r
		if r.GetString("alumno") != f.Alumno1 {
			t.Errorf("recordatorio para %s", r.GetString("alumno"))
		}
		low := strings.ToLower(r.GetString("mensaje"))
		for _, rude := range []string{"moros", "multa", "deudor", "bloque", "suspend", "interés"} {
			if strings.Contains(low, rude) {
				t.Errorf("recordatorio con tono inapropiado (%q): %s", rude, r.GetString("mensaje"))
			}
		}
	}
	if m := byCuota[soon].GetString("mensaje"); !strings.Contains(m, "Le recordamos") || !strings.Contains(m, "S/ 150.00") || !strings.Contains(m, "05/03/2026") {
		t.Errorf("por vencer: %s", m)
	}
	if m := byCuota[overdue].GetString("mensaje"); !strings.Contains(m, "saldo pendiente de S/ 60.00") || !strings.Contains(m, "20/02/2026") {
		t.Errorf("vencida: %s", m)
	}
	if n := countJobs(t, app, notify.JobPush); n != 2 {
		t.Errorf("%d push jobs, quería 2", n)
	}

	// Same ISO week: nothing new, not even the cuota that fell overdue on Thursday.
	for _, d := range []string{"2026-03-02", "2026-03-04", "2026-03-06", "2026-03-08"} {
		runReminders(t, app, d)
	}
	if n := len(reminders(t, app)); n != 2 {
		t.Fatalf("%d recordatorios en la misma semana, quería 2", n)
	}
	// Next week both are overdue and reminded once more.
	runReminders(t, app, "2026-03-09")
	runReminders(t, app, "2026-03-10")
	if n := len(reminders(t, app)); n != 4 {
		t.Fatalf("%d recordatorios tras la semana siguiente, quería 4", n)
	}
	// Paid: nothing left to remind.
	setRow(t, app, "cuotas", overdue, dbx.Params{"pagado": 100, "estado": "Pagada"})
	setRow(t, app, "cuotas", soon, dbx.Params{"pagado": 150, "estado": "Pagada"})
	runReminders(t, app, "2026-03-16")
	if n := len(reminders(t, app)); n != 4 {
		t.Fatalf("se recordó una cuota pagada: %d", n)
	}
}

func TestReminderKeyIsPerISOWeek(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{"2026-03-02", "2026-03-08", true},  // Monday and Sunday of W10
		{"2026-03-08", "2026-03-09", false}, // Sunday W10, Monday W11
		{"2025-12-29", "2026-01-04", true},  // ISO week 2026-W01 spans the new year
	}
	for _, c := range cases {
		if (notify.ReminderKey("c1", c.a) == notify.ReminderKey("c1", c.b)) != c.same {
			t.Errorf("%s vs %s: misma clave = %v", c.a, c.b, !c.same)
		}
	}
	if notify.ReminderKey("c1", "2026-03-02") == notify.ReminderKey("c2", "2026-03-02") {
		t.Error("dos cuotas comparten clave")
	}
}

// The daily schedule enqueues one run per Lima day, however often it fires.
func TestEnqueueRecordatoriosOncePerDay(t *testing.T) {
	app, _ := newApp(t)
	for range 3 {
		if err := notify.EnqueueRecordatorios(app); err != nil {
			t.Fatal(err)
		}
	}
	if n := countJobs(t, app, notify.JobRecordatorios); n != 1 {
		t.Fatalf("%d jobs de recordatorios, quería 1", n)
	}
}
