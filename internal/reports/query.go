package reports

import (
	"context"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Rows are read with one streaming cursor per sheet (dbx Rows): memory does not grow
// with the number of rows, and the SQLite read snapshot keeps the file consistent.

// each runs q and calls fn with every row scanned into a T.
func each[T any](ctx context.Context, q *dbx.Query, fn func(*T) error) error {
	rows, err := q.WithContext(ctx).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var t T
		if err := rows.ScanStruct(&t); err != nil {
			return err
		}
		if err := fn(&t); err != nil {
			return err
		}
	}
	return rows.Err()
}

type sedeRow struct {
	ID     string `db:"id"`
	Nombre string `db:"nombre"`
}

// sedesOf returns the report's sedes with their names, by name.
func sedesOf(app core.App, ids []string) ([]sedeRow, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var out []sedeRow
	err := app.DB().Select("id", "nombre").From("sedes").Where(dbx.In("id", args...)).OrderBy("nombre").All(&out)
	if err != nil {
		return nil, fmt.Errorf("reportes: sedes: %w", err)
	}
	return out, nil
}

// perSede runs fn once per sede of p, after starting that sede's sheet.
func perSede(app core.App, p Params, w Writer, fn func(sede sedeRow) error) error {
	sedes, err := sedesOf(app, p.Sedes)
	if err != nil {
		return err
	}
	for _, s := range sedes {
		if err := w.Sheet(s.Nombre); err != nil {
			return err
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// limaDate is the SQL expression of the Lima date (YYYY-MM-DD) of an instant column
// stored by PocketBase in UTC ("2026-03-01 03:30:00.000Z" -> "2026-02-28"). Peru has no
// daylight saving time.
func limaDate(col string) string {
	return "COALESCE(date(datetime(substr(" + col + ", 1, 19), '-5 hours')), '')"
}

// dayAfter is the day after a YYYY-MM-DD date (exclusive upper bound of a period).
func dayAfter(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// cents is the SQL expression of a money column in integer céntimos.
func cents(col string) string { return "CAST(ROUND(" + col + "*100) AS INTEGER)" }
