package reports

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"sgul/internal/jobs"
	"sgul/internal/schedule"
)

// Enqueue enqueues, with tx (the report's creation transaction), its generation.
func Enqueue(tx core.App, reporte string) error {
	_, err := jobs.Enqueue(tx, JobGenerar, generarPayload{Reporte: reporte}, jobs.WithKey("reporte:"+reporte), jobs.WithMaxAttempts(3))
	return err
}

type generarPayload struct {
	Reporte string `json:"reporte"`
}

// errParams marks generation errors that retrying cannot fix.
var errParams = errors.New("parámetros del reporte inválidos")

// HandleGenerate is the JobGenerar handler: Pendiente -> Generando -> Listo (with the
// file) or Error (with a Spanish reason). A run interrupted by a crash starts over when
// the queue reclaims the job; a report already Listo or Error is left alone.
func HandleGenerate(ctx context.Context, app core.App, job *jobs.Job) error {
	var p generarPayload
	if err := job.Decode(&p); err != nil {
		return err
	}
	rec, err := app.FindRecordById(ColReportes, p.Reporte)
	if err != nil {
		return nil // deleted meanwhile
	}
	if s := rec.GetString("estado"); s == Listo || s == Error {
		return nil
	}
	rec.Set("estado", Generando)
	if err := app.Save(rec); err != nil {
		return err
	}

	rows, path, cleanup, genErr := generate(ctx, app, rec)
	defer cleanup()
	if genErr == nil {
		f, err := filesystem.NewFileFromPath(path)
		if err != nil {
			genErr = err
		} else {
			rec.Set("archivo", f)
			rec.Set("estado", Listo)
			rec.Set("filas", rows)
			rec.Set("generado_en", time.Now().UTC())
			rec.Set("error", "")
			if err := app.Save(rec); err != nil {
				return fmt.Errorf("reportes: guardar archivo: %w", err)
			}
			return nil
		}
	}
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the job runs again later
	}
	final := errors.Is(genErr, errParams) || job.Attempt >= job.MaxAttempts
	msg := "No se pudo generar el reporte; se reintentará."
	if final {
		rec.Set("estado", Error)
		msg = "No se pudo generar el reporte."
		if errors.Is(genErr, errParams) {
			msg = genErr.Error()
		}
	}
	rec.Set("error", msg)
	if err := app.Save(rec); err != nil {
		return err
	}
	app.Logger().Error("reportes: generación fallida", "reporte", rec.Id, "tipo", rec.GetString("tipo"), "error", genErr)
	if final {
		return nil
	}
	return genErr
}

// generate writes the report's file into a fresh temporary directory and returns the
// data rows written and the file's path; cleanup removes the directory.
func generate(ctx context.Context, app core.App, rec *core.Record) (rows int, path string, cleanup func(), err error) {
	cleanup = func() {}
	tipo := rec.GetString("tipo")
	spec, ok := Specs[tipo]
	if !ok {
		return 0, "", cleanup, fmt.Errorf("%w: tipo %q", errParams, tipo)
	}
	p, err := ParamsOf(rec)
	if err != nil || len(p.Sedes) == 0 {
		return 0, "", cleanup, fmt.Errorf("%w: sin sedes", errParams)
	}
	dir, err := os.MkdirTemp("", "sgul-reporte-*")
	if err != nil {
		return 0, "", cleanup, err
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	formato := rec.GetString("formato")
	path = filepath.Join(dir, FileName(tipo, p, formato))
	var w Writer
	if formato == CSV {
		w, err = NewCSV(path, spec.Table)
	} else {
		w, err = NewXLSX(path, spec.Table)
	}
	if err != nil {
		return 0, "", cleanup, err
	}
	if err := spec.Generate(ctx, app, p, w); err != nil {
		_ = w.Close()
		var verrs validation.Errors
		if errors.As(err, &verrs) {
			return 0, "", cleanup, fmt.Errorf("%w: %v", errParams, verrs)
		}
		return 0, "", cleanup, err
	}
	if err := w.Close(); err != nil {
		return 0, "", cleanup, err
	}
	return w.Rows(), path, cleanup, nil
}

// FileName is the download name, e.g. "balance_2026-01-01_2026-10-31.xlsx" (PocketBase
// appends a random suffix when storing it).
func FileName(tipo string, p Params, formato string) string {
	name := tipo
	if p.Mes != "" {
		name += "_" + p.Mes
	} else if p.Desde != "" {
		name += "_" + p.Desde + "_" + p.Hasta
	}
	if formato != CSV {
		formato = XLSX
	}
	return strings.ReplaceAll(name, " ", "_") + "." + formato
}

type mensualPayload struct {
	Mes string `json:"mes"` // YYYY-MM
}

// EnqueueMensual is the monthly schedule's task (day 1): it enqueues the creation of the
// previous month's balance reports, once per month however often it is called.
func EnqueueMensual(app core.App) error {
	mes := PreviousMonth(time.Now())
	_, err := jobs.Enqueue(app, JobMensual, mensualPayload{Mes: mes}, jobs.WithKey("reporte_mensual:"+mes))
	return err
}

// PreviousMonth is the Lima month before the one containing t, as YYYY-MM.
func PreviousMonth(t time.Time) string {
	today, _ := time.Parse(time.DateOnly, schedule.LimaDate(t))
	return time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01")
}

// HandleMensual is the JobMensual handler: one balance report (XLSX) per sede for the
// month, requested by the system (solicitado_por empty), readable by the staff of that
// sede with reportes. Creating each report enqueues its generation (hook on reportes).
// A sede that already has that month's system report is skipped, so a retry adds none.
func HandleMensual(ctx context.Context, app core.App, job *jobs.Job) error {
	var p mensualPayload
	if err := job.Decode(&p); err != nil {
		return err
	}
	m, err := time.Parse("2006-01", p.Mes)
	if err != nil {
		return fmt.Errorf("reportes: mes inválido %q", p.Mes)
	}
	var sedes []string
	if err := app.DB().Select("id").From("sedes").OrderBy("nombre").Column(&sedes); err != nil {
		return err
	}
	col, err := app.FindCachedCollectionByNameOrId(ColReportes)
	if err != nil {
		return err
	}
	for _, sede := range sedes {
		var n int
		err := app.DB().NewQuery(`SELECT COUNT(*) FROM reportes WHERE tipo = {:tipo} AND sede = {:sede}
			AND solicitado_por = '' AND json_extract(parametros, '$.mes') = {:mes}`).
			Bind(map[string]any{"tipo": Balance, "sede": sede, "mes": p.Mes}).Row(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		rec := core.NewRecord(col)
		rec.Set("tipo", Balance)
		rec.Set("formato", XLSX)
		rec.Set("sede", sede)
		rec.Set("estado", Pendiente)
		rec.Set("parametros", Params{Sede: sede, Sedes: []string{sede}, Mes: p.Mes,
			Desde: m.Format(time.DateOnly), Hasta: m.AddDate(0, 1, -1).Format(time.DateOnly)})
		if err := app.Save(rec); err != nil {
			return fmt.Errorf("reportes: reporte mensual de %s: %w", sede, err)
		}
	}
	return nil
}
