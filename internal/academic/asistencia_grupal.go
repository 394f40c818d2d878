package academic

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/audit"
	"sgul/internal/schedule"
)

// MaxItemsGrupal bounds one class: a larger body is a mistake, not a class.
const MaxItemsGrupal = 500

// ItemGrupal is one student's attendance in a class.
type ItemGrupal struct {
	Matricula     string `json:"matricula"`
	Asistio       bool   `json:"asistio"`
	Justificacion string `json:"justificacion"`
}

// AsistenciaGrupal is the body of POST /api/asistencias/grupal: the attendance of a
// whole class of a program on one date, optionally for one malla row.
type AsistenciaGrupal struct {
	Programa string       `json:"programa"`
	Fecha    string       `json:"fecha"` // YYYY-MM-DD, a Lima date
	Malla    string       `json:"malla"`
	Items    []ItemGrupal `json:"items"`

	matriculas []*core.Record // loaded by Validate, in Items order
}

// ResultadoGrupal is the response of the group attendance: the saved rows.
type ResultadoGrupal struct {
	Programa     string         `json:"programa"`
	Fecha        string         `json:"fecha"`
	Malla        string         `json:"malla"`
	Creadas      int            `json:"creadas"`
	Actualizadas int            `json:"actualizadas"`
	Asistencias  []*core.Record `json:"asistencias"`
}

// Validate checks the body against the data (today is the Lima date of now) and loads
// the matrículas; it returns per-field errors such as items.2.matricula.
func (f *AsistenciaGrupal) Validate(app core.App, now time.Time) error {
	errs := validation.Errors{}
	prog, err := findOptional(app, ColProgramas, f.Programa)
	if err != nil {
		return err
	}
	if prog == nil {
		errs["programa"] = fieldErr("programa_inexistente", "Seleccione un programa válido.")
	}
	if d, err := time.Parse(time.DateOnly, f.Fecha); err != nil {
		errs["fecha"] = fieldErr("fecha_invalida", "Ingrese la fecha de la clase (AAAA-MM-DD).")
	} else if d.Format(time.DateOnly) > schedule.LimaDate(now) {
		errs["fecha"] = fieldErr("fecha_futura", "La fecha de la clase no puede ser futura.")
	}
	if f.Malla != "" && prog != nil {
		if _, ok := MallaBelongs(app, f.Malla, prog.Id); !ok {
			errs["malla"] = fieldErr("malla_otro_programa", "El curso no pertenece a la malla del programa.")
		}
	}
	switch {
	case len(f.Items) == 0:
		errs["items"] = fieldErr("items_vacio", "Registre la asistencia de al menos un alumno.")
	case len(f.Items) > MaxItemsGrupal:
		errs["items"] = fieldErr("items_exceso", fmt.Sprintf("Máximo %d alumnos por clase.", MaxItemsGrupal))
	case prog != nil:
		if itemErrs := f.loadItems(app, prog.Id); len(itemErrs) > 0 {
			errs["items"] = itemErrs
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func (f *AsistenciaGrupal) loadItems(app core.App, programaID string) validation.Errors {
	errs := validation.Errors{}
	seen := map[string]bool{}
	f.matriculas = make([]*core.Record, len(f.Items))
	for i, it := range f.Items {
		key := strconv.Itoa(i)
		if utf8Len(it.Justificacion) > 1000 {
			errs[key] = validation.Errors{"justificacion": fieldErr("justificacion_larga", "La justificación admite hasta 1000 caracteres.")}
			continue
		}
		m, err := findOptional(app, ColMatriculas, it.Matricula)
		switch {
		case err != nil || m == nil:
			errs[key] = validation.Errors{"matricula": fieldErr("matricula_inexistente", "La matrícula no existe.")}
		case seen[m.Id]:
			errs[key] = validation.Errors{"matricula": fieldErr("matricula_repetida", "La matrícula está repetida en la lista.")}
		case m.GetString("programa") != programaID:
			errs[key] = validation.Errors{"matricula": fieldErr("matricula_otro_programa", "La matrícula no pertenece al programa.")}
		case m.GetString("estado") != EstadoActivo:
			errs[key] = validation.Errors{"matricula": fieldErr("matricula_inactiva", "La matrícula no está en estado Activo.")}
		}
		if m != nil {
			seen[m.Id] = true
		}
		f.matriculas[i] = m
	}
	return errs
}

// Matriculas returns the matrículas loaded by Validate, in Items order.
func (f *AsistenciaGrupal) Matriculas() []*core.Record { return f.matriculas }

// Submit upserts one asistencias row per item in one transaction: an existing row of
// the same (matrícula, malla, fecha) is updated, otherwise a row is created. Call
// Validate first.
func (f *AsistenciaGrupal) Submit(app core.App, actor audit.Actor) (*ResultadoGrupal, error) {
	if len(f.matriculas) != len(f.Items) {
		return nil, errors.New("asistencia grupal: Validate must run before Submit")
	}
	col, err := app.FindCachedCollectionByNameOrId(ColAsistencias)
	if err != nil {
		return nil, err
	}
	res := &ResultadoGrupal{Programa: f.Programa, Fecha: f.Fecha, Malla: f.Malla}
	fecha := f.Fecha + " 00:00:00.000Z"
	err = app.RunInTransaction(func(tx core.App) error {
		res.Creadas, res.Actualizadas, res.Asistencias = 0, 0, make([]*core.Record, 0, len(f.Items))
		for i, it := range f.Items {
			rec, err := tx.FindFirstRecordByFilter(col, "matricula = {:m} && malla = {:ma} && fecha_clase = {:f}",
				dbx.Params{"m": it.Matricula, "ma": f.Malla, "f": fecha})
			if notFound(err) {
				rec = core.NewRecord(col)
				rec.Set("matricula", it.Matricula)
				rec.Set("malla", f.Malla)
				rec.Set("fecha_clase", fecha)
				res.Creadas++
			} else if err != nil {
				return err
			} else {
				res.Actualizadas++
			}
			rec.Set("asistio", it.Asistio)
			rec.Set("justificacion", strings.TrimSpace(it.Justificacion))
			audit.SetActor(rec, actor)
			if err := tx.Save(rec); err != nil {
				var ve validation.Errors
				if errors.As(err, &ve) {
					return validation.Errors{"items": validation.Errors{strconv.Itoa(i): ve}}
				}
				return fmt.Errorf("asistencia de %s: %w", it.Matricula, err)
			}
			res.Asistencias = append(res.Asistencias, rec)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func utf8Len(s string) int { return len([]rune(s)) }
