package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/jobs"
	"sgul/internal/money"
	"sgul/internal/schedule"
)

// DiasAviso is how many days before its due date a cuota is reminded.
const DiasAviso = 3

// reminderPage bounds the cuotas handled per transaction.
const reminderPage = 200

type recordatoriosPayload struct {
	Fecha string `json:"fecha"` // Lima date of the run (YYYY-MM-DD)
}

// EnqueueRecordatorios is the daily schedule's task: it enqueues today's reminder run,
// once per Lima date however often it is called.
func EnqueueRecordatorios(app core.App) error {
	hoy := schedule.LimaDate(time.Now())
	_, err := jobs.Enqueue(app, JobRecordatorios, recordatoriosPayload{Fecha: hoy}, jobs.WithKey("recordatorios:"+hoy))
	return err
}

// ReminderKey is the notification key of a reminder: at most one per cuota per ISO week,
// whether the cuota is about to fall due or overdue.
func ReminderKey(cuota, fecha string) string {
	t, err := time.Parse(time.DateOnly, fecha)
	if err != nil {
		return "recordatorio:" + cuota + ":" + fecha
	}
	y, w := t.ISOWeek()
	return fmt.Sprintf("recordatorio:%s:%04d-W%02d", cuota, y, w)
}

type reminderRow struct {
	Cuota       string  `db:"cuota"`
	Concepto    string  `db:"concepto"`
	Numero      int     `db:"numero"`
	Monto       float64 `db:"monto"`
	Pagado      float64 `db:"pagado"`
	Vencimiento string  `db:"vencimiento"`
	Matricula   string  `db:"matricula"`
	Alumno      string  `db:"alumno"`
	Nombre      string  `db:"nombre"`
	Programa    string  `db:"programa"`
}

// reminderSQL selects the open cuotas of active matrículas that fall due on {:aviso} or
// are overdue, after the keyset cursor {:after}.
const reminderSQL = `SELECT c.id AS cuota, c.concepto, c.numero, c.monto, c.pagado, c.vencimiento,
	m.id AS matricula, m.alumno, a.nombre_completo AS nombre, COALESCE(p.nombre, '') AS programa
FROM cuotas c
JOIN matriculas m ON m.id = c.matricula
JOIN alumnos a ON a.id = m.alumno
LEFT JOIN programas p ON p.id = m.programa
WHERE c.estado IN ('Pendiente', 'Parcial') AND m.estado = 'Activo' AND c.id > {:after}
	AND ((c.vencimiento >= {:aviso} AND c.vencimiento < {:avisoFin}) OR c.vencimiento < {:hoy})
ORDER BY c.id LIMIT {:limit}`

// HandleRecordatorios is the JobRecordatorios handler: it reminds each student,
// privately and politely, of cuotas that fall due in DiasAviso days and of overdue
// ones, at most once per cuota per ISO week (ReminderKey). Nothing is published and no
// access is restricted (Ley 29947): it is only a reminder.
func HandleRecordatorios(ctx context.Context, app core.App, job *jobs.Job) error {
	var p recordatoriosPayload
	if err := job.Decode(&p); err != nil {
		return err
	}
	if p.Fecha == "" {
		p.Fecha = schedule.LimaDate(time.Now())
	}
	hoy, err := time.Parse(time.DateOnly, p.Fecha)
	if err != nil {
		return fmt.Errorf("notify: fecha inválida %q", p.Fecha)
	}
	aviso := hoy.AddDate(0, 0, DiasAviso)
	after := ""
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var rows []reminderRow
		err := app.DB().NewQuery(reminderSQL).Bind(dbx.Params{
			"after": after, "hoy": p.Fecha, "limit": reminderPage,
			"aviso": aviso.Format(time.DateOnly), "avisoFin": aviso.AddDate(0, 0, 1).Format(time.DateOnly),
		}).All(&rows)
		if err != nil {
			return fmt.Errorf("notify: cuotas a recordar: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		err = app.RunInTransaction(func(tx core.App) error {
			for _, r := range rows {
				ev, ok := reminderEvent(r, p.Fecha)
				if !ok {
					continue
				}
				if _, err := Notify(tx, ev); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		after = rows[len(rows)-1].Cuota
	}
}

// reminderEvent words the reminder of one cuota; ok is false when nothing is owed.
func reminderEvent(r reminderRow, hoy string) (Event, bool) {
	monto, err1 := money.FromFloat(r.Monto)
	pagado, err2 := money.FromFloat(r.Pagado)
	if err1 != nil || err2 != nil || monto-pagado <= 0 {
		return Event{}, false
	}
	saldo := monto - pagado
	venc := r.Vencimiento
	if len(venc) >= 10 {
		venc = venc[:10]
	}
	nombre := firstName(r.Nombre)
	cuota := cuotaLabel(r.Concepto, r.Numero)
	programa := r.Programa
	if programa == "" {
		programa = "su programa"
	}
	ev := Event{
		Alumno: r.Alumno, Tipo: TipoRecordatorio, Key: ReminderKey(r.Cuota, hoy),
		Titulo: "Recordatorio de pago",
		Data: map[string]any{"cuota": r.Cuota, "matricula": r.Matricula, "saldo": saldo.String(),
			"vencimiento": venc, "vencida": venc < hoy},
	}
	if venc < hoy {
		ev.Mensaje = fmt.Sprintf("Hola, %s. Según nuestros registros, %s de %s, con vencimiento el %s, tiene un saldo pendiente de %s. "+
			"Cuando le sea posible, puede regularizarlo con los medios de pago habituales. Si ya pagó, por favor ignore este mensaje; si necesita apoyo, escríbanos.",
			nombre, cuota, programa, displayDate(venc), saldo.Format())
	} else {
		ev.Mensaje = fmt.Sprintf("Hola, %s. Le recordamos que %s de %s por %s vence el %s. Si ya realizó el pago, por favor ignore este mensaje. ¡Gracias!",
			nombre, cuota, programa, saldo.Format(), displayDate(venc))
	}
	return ev, true
}

func firstName(full string) string {
	if f := strings.Fields(full); len(f) > 0 {
		return f[0]
	}
	return "estudiante"
}
