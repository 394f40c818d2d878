package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"sgul/internal/audit"
	"sgul/internal/enrollment"
	"sgul/internal/notify"
	"sgul/internal/schedule"
)

// blockStats counts what a block wrote through the domain code.
type blockStats struct {
	leads, cambios, matriculas, cuotas, pagos, anulados, retiros, egresos int
}

func (b *blockStats) add(o blockStats) {
	b.leads += o.leads
	b.cambios += o.cambios
	b.matriculas += o.matriculas
	b.cuotas += o.cuotas
	b.pagos += o.pagos
	b.anulados += o.anulados
	b.retiros += o.retiros
	b.egresos += o.egresos
}

// ops counts domain operations (each one a save that runs its hooks and derived writes).
func (b blockStats) ops() int {
	return b.leads + b.cambios + b.matriculas + b.pagos + 2*b.anulados + b.retiros + b.egresos
}

// programMix weighs the program types of enrolments so that a matrícula has 20 cuotas on
// average (Carrera 31, Especialización 11, Curso 1), as in the figures.
func (s *scaleLoader) pickProgram(rnd *rand.Rand, weighted bool) scaleProgram {
	if !weighted {
		return s.progs[rnd.IntN(len(s.progs))]
	}
	want := "Curso"
	switch r := rnd.Float64(); {
	case r < 0.55:
		want = "Carrera Técnica"
	case r < 0.80:
		want = "Especialización"
	}
	for range 64 {
		if p := s.progs[rnd.IntN(len(s.progs))]; p.tipo == want {
			return p
		}
	}
	return s.progs[rnd.IntN(len(s.progs))]
}

func (s *scaleLoader) modalidadFor(rnd *rand.Rand, p scaleProgram) string {
	if p.sede == s.sedeA {
		return s.mods["Virtual"]
	}
	if rnd.IntN(3) == 0 {
		return s.mods["Semipresencial"]
	}
	return s.mods["Presencial"]
}

func (s *scaleLoader) advisorFor(rnd *rand.Rand, sede string) string {
	if sede == s.sedeA {
		return s.advisorA[rnd.IntN(len(s.advisorA))]
	}
	return s.advisorB[rnd.IntN(len(s.advisorB))]
}

// at is a Lima business day at 10:00 (15:00 UTC), days before today.
func (s *scaleLoader) daysAgo(d int) time.Time {
	t := s.now.AddDate(0, 0, -d)
	return time.Date(t.Year(), t.Month(), t.Day(), 15, 0, 0, 0, time.UTC)
}

// conversion is one planned enrolment of a block.
type conversion struct {
	lead   int // index of the block's lead
	alumno int // index of the block's student (several conversions may share one)
	prog   scaleProgram
	fecha  time.Time
}

// block writes block k: 200 leads (60 of them converted into 50 new students, 10 of whom
// enrol in a second program later) and the payment history of the 60 matrículas up to
// today, through the domain code, with tx.
func (s *scaleLoader) block(tx core.App, k int) (blockStats, error) {
	var st blockStats
	started := types.NowDateTime()
	rnd := rand.New(rand.NewPCG(2026, uint64(k)+1))
	span := ScaleYears * 365

	// Plan the conversions first: the lead enters before its enrolment.
	convs := make([]conversion, 0, scaleMatriculasPerBlock)
	for j := 0; j < ScaleStudentsPerBlock; j++ {
		convs = append(convs, conversion{lead: len(convs) * 10 / 3, alumno: j, prog: s.pickProgram(rnd, true), fecha: s.daysAgo(rnd.IntN(span))})
	}
	for r := 0; r < ScaleReenrolPerBlock; r++ {
		first := convs[r*5]
		prog := s.pickProgram(rnd, true)
		for prog.id == first.prog.id {
			prog = s.pickProgram(rnd, true)
		}
		// after the first program ends (or, for a recent student, some days later)
		fecha := first.fecha.AddDate(0, durations[first.prog.tipo], rnd.IntN(90))
		if fecha.After(s.now) {
			fecha = first.fecha.Add(time.Duration(rnd.Float64() * float64(s.now.Sub(first.fecha))))
		}
		convs = append(convs, conversion{lead: len(convs) * 10 / 3, alumno: first.alumno, prog: prog, fecha: s.daysAgo(int(s.now.Sub(fecha).Hours() / 24))})
	}
	byLead := map[int]*conversion{}
	for i := range convs {
		byLead[convs[i].lead] = &convs[i]
	}

	leadCol, err := tx.FindCachedCollectionByNameOrId("leads")
	if err != nil {
		return st, err
	}
	leadIDs := make([]string, ScaleLeadsPerBlock)
	phones := make([]string, ScaleLeadsPerBlock)
	for i := 0; i < ScaleLeadsPerBlock; i++ {
		c := byLead[i]
		prog := s.pickProgram(rnd, false)
		fecha := s.daysAgo(rnd.IntN(span))
		if c != nil {
			prog = c.prog
			fecha = c.fecha.AddDate(0, 0, -rnd.IntN(30))
		}
		phones[i] = fmt.Sprintf("9%08d", 10000000+rnd.IntN(89999999))
		r := core.NewRecord(leadCol)
		r.Load(map[string]any{
			"nombre_completo": fmt.Sprintf("%s %s %s", firstNames[rnd.IntN(len(firstNames))], lastNames[rnd.IntN(len(lastNames))], lastNames[rnd.IntN(len(lastNames))]),
			"telefono":        phones[i], "email": fmt.Sprintf("lead%05d.%03d@%s", k+1, i, scaleDomain),
			"nivel_estudios": niveles[rnd.IntN(len(niveles))], "genero": generos[rnd.IntN(len(generos))],
			"fecha_ingreso": fecha, "asesor": s.advisorFor(rnd, prog.sede),
			"medio_contacto": s.channels[rnd.IntN(len(s.channels))], "distrito": s.distrito[rnd.IntN(len(s.distrito))],
			"intereses": []string{prog.id}, "sede": prog.sede,
			"observaciones": map[bool]string{true: "Consulta por horarios y costos.", false: ""}[rnd.IntN(3) == 0],
		})
		if err := tx.Save(r); err != nil {
			return st, fmt.Errorf("lead %d: %w", i, err)
		}
		st.leads++
		leadIDs[i] = r.Id
		// Most leads were followed up; a few are still waiting.
		estado := ""
		switch x := rnd.IntN(10); {
		case c != nil && x < 6, c == nil && x < 5:
			estado = enrollment.LeadAtendido
		case c == nil && x < 8:
			estado = enrollment.LeadNoAtendido
		}
		if estado != "" {
			r.Set("estado_lead", estado)
			if err := tx.Save(r); err != nil {
				return st, fmt.Errorf("lead %d: %w", i, err)
			}
			st.cambios++
		}
	}

	alumnoDNI := func(j int) string { return fmt.Sprintf("%08d", 40000000+k*ScaleStudentsPerBlock+j) }
	alumnoEmail := func(j int) string { return fmt.Sprintf("alumno%05d.%02d@%s", k+1, j, scaleDomain) }
	for _, c := range convs {
		conv, err := enrollment.Convert(tx, s.admin, enrollment.ConvertInput{
			Lead: leadIDs[c.lead], Programa: c.prog.id, Modalidad: s.modalidadFor(rnd, c.prog),
			DNI: alumnoDNI(c.alumno), Email: alumnoEmail(c.alumno), Telefono: phones[c.lead],
			SinCorreo: true, FechaInscripcion: c.fecha, PasswordHash: s.hash,
		})
		if err != nil {
			return st, fmt.Errorf("conversión del lead %d: %w", c.lead, err)
		}
		if conv.NewAlumno {
			conv.Alumno.SetVerified(true)
			if err := tx.Save(conv.Alumno); err != nil {
				return st, err
			}
		}
		st.matriculas++
		if err := s.payHistory(tx, rnd, conv.Matricula, c.fecha, &st); err != nil {
			return st, fmt.Errorf("pagos de la matrícula %s: %w", conv.Matricula.Id, err)
		}
	}
	return st, s.cleanupHistory(tx, started)
}

// payHistory registers the payments of a matrícula from its enrolment to today: most
// students pay every cuota around its due date, some stop paying (and some of those
// withdraw), some pay in two parts, some pay ahead; a student whose schedule is over and
// paid graduates. A few payments of the current month are voided and registered again.
func (s *scaleLoader) payHistory(tx core.App, rnd *rand.Rand, mat *core.Record, fecha time.Time, st *blockStats) error {
	cuotas, err := tx.FindRecordsByFilter("cuotas", "matricula = {:m}", "vencimiento,numero", 0, 0, dbx.Params{"m": mat.Id})
	if err != nil {
		return err
	}
	st.cuotas += len(cuotas)
	actor := audit.Actor{UserID: s.finanzas, Label: "users:finanzas@demo.sgul.pe"}
	today := schedule.LimaDate(s.now)
	monthStart := today[:8] + "01"
	profile := rnd.Float64()
	stopAt := len(cuotas)
	if profile >= 0.70 && profile < 0.82 {
		stopAt = 1 + rnd.IntN(max(1, len(cuotas)-1))
	}
	ahead := 0
	if profile >= 0.92 {
		ahead = 1 + rnd.IntN(2)
	}
	lastPaid := fecha
	for i, c := range cuotas {
		due := c.GetDateTime("vencimiento").Time()
		if i >= stopAt {
			break
		}
		if due.After(s.now) {
			if ahead == 0 {
				break
			}
			ahead--
			due = s.now.AddDate(0, 0, -rnd.IntN(5))
		}
		monto := c.GetFloat("monto")
		if monto <= 0 {
			continue
		}
		// paid a few days early, or late now and then; never before the enrolment or after today
		when := time.Date(due.Year(), due.Month(), due.Day(), 15, 0, 0, 0, time.UTC).AddDate(0, 0, -rnd.IntN(6))
		if rnd.IntN(5) == 0 {
			when = when.AddDate(0, 0, 1+rnd.IntN(25))
		}
		when = clampTime(when, fecha, s.now)
		parts := []float64{monto}
		if profile >= 0.82 && profile < 0.92 && rnd.IntN(4) == 0 {
			half := float64(int64(monto*100)/2) / 100
			parts = []float64{half, float64(int64(monto*100)-int64(half*100)) / 100}
		}
		for p, amount := range parts {
			at := when.AddDate(0, 0, 20*p)
			if at.After(s.now) {
				break // the rest is still owed
			}
			pago, err := s.pago(tx, mat.Id, c.Id, amount, rnd, at, actor)
			if err != nil {
				return err
			}
			st.pagos++
			lastPaid = at
			if schedule.LimaDate(at) >= monthStart && rnd.IntN(30) == 0 {
				// a typing error corrected the same month: void, then register again
				if _, err := enrollment.VoidPago(tx, pago.Id, "Error de digitación en el medio de pago", actor); err != nil {
					return err
				}
				if _, err := s.pago(tx, mat.Id, c.Id, amount, rnd, at, actor); err != nil {
					return err
				}
				st.anulados++
				st.pagos++
			}
		}
	}
	estado := ""
	switch {
	case stopAt < len(cuotas) && s.now.Sub(lastPaid) > 120*24*time.Hour && rnd.IntN(2) == 0:
		estado = enrollment.MatriculaRetirado
		st.retiros++
	case stopAt == len(cuotas) && len(cuotas) > 0 && s.now.Sub(cuotas[len(cuotas)-1].GetDateTime("vencimiento").Time()) > 60*24*time.Hour:
		var open int
		if err := tx.DB().Select("COUNT(*)").From("cuotas").Where(dbx.HashExp{"matricula": mat.Id}).
			AndWhere(dbx.In("estado", enrollment.CuotaPendiente, enrollment.CuotaParcial)).Row(&open); err != nil {
			return err
		}
		if open > 0 {
			return nil
		}
		estado = enrollment.MatriculaEgresado
		st.egresos++
	default:
		return nil
	}
	fresh, err := tx.FindRecordById("matriculas", mat.Id) // as saved, with its stored values
	if err != nil {
		return err
	}
	fresh.Set("estado", estado)
	audit.SetActor(fresh, audit.Actor{UserID: s.admin.Id, Label: "users:" + s.admin.Email()})
	return tx.Save(fresh)
}

func (s *scaleLoader) pago(tx core.App, mat, cuota string, monto float64, rnd *rand.Rand, at time.Time, actor audit.Actor) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId("pagos")
	if err != nil {
		return nil, err
	}
	p := core.NewRecord(col)
	p.Set("matricula", mat)
	p.Set("cuota", cuota)
	p.Set("monto", monto)
	p.Set("medio_pago", s.medios[rnd.IntN(len(s.medios))])
	p.Set("fecha_pago", at)
	audit.SetActor(p, actor)
	if err := tx.Save(p); err != nil {
		return nil, err
	}
	return p, nil
}

// cleanupHistory applies, with tx, what the background jobs would have done in the years
// the block's history covers: the push jobs of the payments ran (no student of the demo
// has a device) and finished jobs were cleaned up; payment notifications older than
// notify.RetencionTodas were deleted.
func (s *scaleLoader) cleanupHistory(tx core.App, since types.DateTime) error {
	if _, err := tx.DB().Delete("jobs", dbx.HashExp{"tipo": notify.JobPush, "estado": "pendiente"}).Execute(); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	cut := schedule.LimaDate(s.now.Add(-notify.RetencionTodas))
	// only the block's own notifications (unread, created since it started: an index range)
	_, err := tx.DB().Delete("notificaciones", dbx.NewExp("leida = FALSE AND created >= {:since} AND tipo = 'pago' AND json_extract(data, '$.fecha') < {:cut}",
		dbx.Params{"since": since.String(), "cut": cut})).Execute()
	return err
}

func clampTime(t, lo, hi time.Time) time.Time {
	if t.Before(lo) {
		return lo
	}
	if t.After(hi) {
		return hi
	}
	return t
}
