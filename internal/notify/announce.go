package notify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"sgul/internal/audit"
	"sgul/internal/jobs"
)

// announcePage is how many students one fan-out transaction (and one push job) covers.
const announcePage = 100

// estadosMatricula are the audiences an announcement can target.
var estadosMatricula = []string{"Activo", "Retirado", "Egresado"}

// Audiencia selects students through their matrículas.
type Audiencia struct {
	Sede     string `json:"sede"`     // empty = every sede of the sender
	Programa string `json:"programa"` // optional
	Estado   string `json:"estado"`   // matrícula estado; empty = Activo
}

// Anuncio is the body of POST /api/notificaciones/anuncio.
type Anuncio struct {
	Titulo    string    `json:"titulo"`
	Mensaje   string    `json:"mensaje"`
	Audiencia Audiencia `json:"audiencia"`
}

// AnuncioResult answers the request: the announcement id and how many students it
// will reach (the notifications are written in the background).
type AnuncioResult struct {
	Anuncio       string `json:"anuncio"`
	Destinatarios int    `json:"destinatarios"`
}

type anuncioPayload struct {
	ID       string   `json:"id"`
	Titulo   string   `json:"titulo"`
	Mensaje  string   `json:"mensaje"`
	Sedes    []string `json:"sedes"`
	Programa string   `json:"programa,omitempty"`
	Estado   string   `json:"estado"`
}

// Validate checks the texts and the audience. sedes are the sedes the audience covers
// (the caller checked they are his).
func (a *Anuncio) Validate(app core.App, sedes []string) error {
	a.Titulo, a.Mensaje = strings.TrimSpace(a.Titulo), strings.TrimSpace(a.Mensaje)
	if a.Audiencia.Estado == "" {
		a.Audiencia.Estado = "Activo"
	}
	errs := validation.Errors{}
	if n := len([]rune(a.Titulo)); n < 3 || n > 200 {
		errs["titulo"] = validation.NewError("sgul_titulo", "El título debe tener entre 3 y 200 caracteres.")
	}
	if n := len([]rune(a.Mensaje)); n < 3 || n > 2000 {
		errs["mensaje"] = validation.NewError("sgul_mensaje", "El mensaje debe tener entre 3 y 2000 caracteres.")
	}
	if !slices.Contains(estadosMatricula, a.Audiencia.Estado) {
		errs["audiencia.estado"] = validation.NewError("sgul_estado", "El estado debe ser Activo, Retirado o Egresado.")
	}
	if len(sedes) == 0 {
		errs["audiencia.sede"] = validation.NewError("sgul_sede", "Indique una sede.")
	}
	if id := a.Audiencia.Programa; id != "" {
		if _, err := app.FindRecordById("programas", id); err != nil {
			errs["audiencia.programa"] = validation.NewError("sgul_programa", "El programa no existe.")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Submit records the announcement (audit) and enqueues its fan-out in one transaction.
// It returns a validation error when the audience has no students.
func (a *Anuncio) Submit(app core.App, sedes []string, actor audit.Actor) (*AnuncioResult, error) {
	p := anuncioPayload{ID: security.RandomStringWithAlphabet(15, "abcdefghijklmnopqrstuvwxyz0123456789"),
		Titulo: a.Titulo, Mensaje: a.Mensaje, Sedes: sedes, Programa: a.Audiencia.Programa, Estado: a.Audiencia.Estado}
	var n int
	err := audienceQuery(app, p, "COUNT(DISTINCT m.alumno)").Row(&n)
	if err != nil {
		return nil, fmt.Errorf("notify: contar audiencia: %w", err)
	}
	if n == 0 {
		return nil, validation.Errors{"audiencia": validation.NewError("sgul_audiencia_vacia", "No hay alumnos con esas características.")}
	}
	sede := ""
	if len(sedes) == 1 {
		sede = sedes[0]
	}
	err = app.RunInTransaction(func(tx core.App) error {
		if _, err := jobs.Enqueue(tx, JobAnuncio, p, jobs.WithKey("anuncio:"+p.ID)); err != nil {
			return err
		}
		return audit.Write(tx, audit.Entry{Coleccion: ColNotificaciones, Registro: p.ID, Accion: "crear", Actor: actor,
			Despues: map[string]any{"anuncio": p, "destinatarios": n}, Sede: sede})
	})
	if err != nil {
		return nil, err
	}
	return &AnuncioResult{Anuncio: p.ID, Destinatarios: n}, nil
}

func audienceQuery(app core.App, p anuncioPayload, sel string) *dbx.SelectQuery {
	sedes := make([]any, len(p.Sedes))
	for i, s := range p.Sedes {
		sedes[i] = s
	}
	q := app.DB().Select(sel).From("matriculas m").
		Where(dbx.In("m.sede", sedes...)).
		AndWhere(dbx.HashExp{"m.estado": p.Estado})
	if p.Programa != "" {
		q.AndWhere(dbx.HashExp{"m.programa": p.Programa})
	}
	return q
}

// HandleAnuncio is the JobAnuncio handler: it writes one notificación per student of the
// audience, a page of students per transaction with one push job per page. Each
// notificación is keyed by announcement and student, so a retried run (after a crash
// midway) skips the students already notified.
func HandleAnuncio(ctx context.Context, app core.App, job *jobs.Job) error {
	var p anuncioPayload
	if err := job.Decode(&p); err != nil {
		return err
	}
	after := ""
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var alumnos []string
		err := audienceQuery(app, p, "m.alumno").Distinct(true).
			AndWhere(dbx.NewExp("m.alumno > {:after}", dbx.Params{"after": after})).
			OrderBy("m.alumno").Limit(announcePage).Column(&alumnos)
		if err != nil {
			return fmt.Errorf("notify: audiencia del anuncio: %w", err)
		}
		if len(alumnos) == 0 {
			return nil
		}
		err = app.RunInTransaction(func(tx core.App) error {
			ids := make([]string, 0, len(alumnos))
			for _, al := range alumnos {
				rec, _, err := Create(tx, Event{Alumno: al, Tipo: TipoAnuncio, Titulo: p.Titulo, Mensaje: p.Mensaje,
					Key: "anuncio:" + p.ID + ":" + al, Data: map[string]any{"anuncio": p.ID}})
				if err != nil {
					return err
				}
				ids = append(ids, rec.Id)
			}
			return EnqueuePush(tx, ids...)
		})
		if err != nil {
			return err
		}
		after = alumnos[len(alumnos)-1]
	}
}
