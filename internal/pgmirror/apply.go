package pgmirror

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// copyThreshold is the row count from which upserts are staged with COPY
// instead of a multi-row VALUES list.
var copyThreshold = 100

// pgRow is one record converted for PostgreSQL, values in spec column order.
type pgRow struct {
	ID   string
	Vals []any
}

func convertRows(spec *tableSpec, raws []rawRow) []pgRow {
	out := make([]pgRow, 0, len(raws))
	for _, r := range raws {
		row := pgRow{ID: r.id(), Vals: make([]any, len(spec.Columns))}
		for i, c := range spec.Columns {
			row.Vals[i] = toPG(c, r[c.Name])
		}
		out = append(out, row)
	}
	return out
}

// pgArg adapts a toPG value to pgx (money strings become numerics).
func pgArg(c column, v any) any {
	if s, ok := v.(string); ok && c.PGType == "numeric(14,2)" {
		var n pgtype.Numeric
		if err := n.Scan(s); err == nil {
			return n
		}
	}
	return v
}

func colNames(spec *tableSpec) []string {
	names := []string{pgIdent("id")}
	for _, c := range spec.Columns {
		names = append(names, pgIdent(c.Name))
	}
	return append(names, "_pb_seq", "_pb_gen")
}

// upsertRows writes rows stamped with seq (the SQLite snapshot they were read
// in). A row is only overwritten when its stored seq is not newer, and never
// resurrected over a newer tombstone, so a stale replay cannot regress data.
func upsertRows(ctx context.Context, tx pgx.Tx, schema string, spec *tableSpec, rows []pgRow, seq, gen int64) error {
	if len(rows) == 0 {
		return nil
	}
	names := colNames(spec)
	table := pgIdent(schema) + "." + pgIdent(spec.Name)
	sets := make([]string, 0, len(spec.Columns)+2)
	for _, c := range spec.Columns {
		sets = append(sets, pgIdent(c.Name)+" = EXCLUDED."+pgIdent(c.Name))
	}
	sets = append(sets, "_pb_seq = EXCLUDED._pb_seq", "_pb_gen = GREATEST(t._pb_gen, EXCLUDED._pb_gen)")
	tail := func(source string) string {
		return `INSERT INTO ` + table + ` AS t (` + strings.Join(names, ", ") + `) SELECT ` + strings.Join(names, ", ") +
			` FROM ` + source + ` WHERE NOT EXISTS (SELECT 1 FROM ` + pgIdent(schema) + `._tombstones d
			  WHERE d.collection_id = ` + sqlString(spec.ID) + ` AND d.id = s.id AND d.seq > s._pb_seq)
			ON CONFLICT (id) DO UPDATE SET ` + strings.Join(sets, ", ") + ` WHERE t._pb_seq <= EXCLUDED._pb_seq`
	}
	if len(rows) >= copyThreshold {
		return copyUpsert(ctx, tx, spec, rows, seq, gen, tail)
	}
	perRow := len(names)
	maxRows := 60000 / perRow
	for start := 0; start < len(rows); start += maxRows {
		chunk := rows[start:min(start+maxRows, len(rows))]
		args := make([]any, 0, len(chunk)*perRow)
		tuples := make([]string, 0, len(chunk))
		for _, r := range chunk {
			ph := make([]string, 0, perRow)
			n := len(args)
			ph = append(ph, "$"+strconv.Itoa(n+1)+"::text")
			args = append(args, r.ID)
			for i, c := range spec.Columns {
				ph = append(ph, "$"+strconv.Itoa(len(args)+1)+"::"+c.PGType)
				args = append(args, pgArg(c, r.Vals[i]))
			}
			ph = append(ph, "$"+strconv.Itoa(len(args)+1)+"::bigint", "$"+strconv.Itoa(len(args)+2)+"::bigint")
			args = append(args, seq, gen)
			tuples = append(tuples, "("+strings.Join(ph, ", ")+")")
		}
		src := `(VALUES ` + strings.Join(tuples, ", ") + `) AS s(` + strings.Join(names, ", ") + `)`
		if _, err := tx.Exec(ctx, tail(src), args...); err != nil {
			return fmt.Errorf("upsert %s: %w", spec.Name, err)
		}
	}
	return nil
}

func copyUpsert(ctx context.Context, tx pgx.Tx, spec *tableSpec, rows []pgRow, seq, gen int64, tail func(string) string) error {
	defs := []string{"id text"}
	cols := []string{"id"}
	for _, c := range spec.Columns {
		defs = append(defs, pgIdent(c.Name)+" "+c.PGType)
		cols = append(cols, c.Name)
	}
	defs = append(defs, "_pb_seq bigint", "_pb_gen bigint")
	cols = append(cols, "_pb_seq", "_pb_gen")
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE _pgm_stage (`+strings.Join(defs, ", ")+`) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("create stage for %s: %w", spec.Name, err)
	}
	src := make([][]any, len(rows))
	for i, r := range rows {
		v := make([]any, 0, len(cols))
		v = append(v, r.ID)
		for j, c := range spec.Columns {
			v = append(v, pgArg(c, r.Vals[j]))
		}
		src[i] = append(v, seq, gen)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"_pgm_stage"}, cols, pgx.CopyFromRows(src)); err != nil {
		return fmt.Errorf("copy %s: %w", spec.Name, err)
	}
	if _, err := tx.Exec(ctx, tail(`_pgm_stage AS s`)); err != nil {
		return fmt.Errorf("upsert %s from stage: %w", spec.Name, err)
	}
	if _, err := tx.Exec(ctx, `DROP TABLE _pgm_stage`); err != nil {
		return fmt.Errorf("drop stage: %w", err)
	}
	return nil
}

// deleteRows removes rows not newer than seq and leaves tombstones.
func deleteRows(ctx context.Context, tx pgx.Tx, schema string, spec *tableSpec, ids []string, seq int64) error {
	if len(ids) == 0 {
		return nil
	}
	s := pgIdent(schema)
	if _, err := tx.Exec(ctx, `DELETE FROM `+s+`.`+pgIdent(spec.Name)+` t USING unnest($1::text[]) d(id)
		WHERE t.id = d.id AND t._pb_seq <= $2`, ids, seq); err != nil {
		return fmt.Errorf("delete from %s: %w", spec.Name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO `+s+`._tombstones (collection_id, id, seq) SELECT $1, x, $3 FROM unnest($2::text[]) x
		ON CONFLICT (collection_id, id) DO UPDATE SET seq = GREATEST(`+s+`._tombstones.seq, EXCLUDED.seq), at = now()`,
		spec.ID, ids, seq); err != nil {
		return fmt.Errorf("tombstones for %s: %w", spec.Name, err)
	}
	return nil
}

// upsertSecrets copies password hashes and tokenKeys into the restricted schema.
func upsertSecrets(ctx context.Context, tx pgx.Tx, cfg Config, spec *tableSpec, raws []rawRow, seq int64) error {
	if cfg.SecretsSchema == "" || !spec.Auth || len(raws) == 0 {
		return nil
	}
	ids := make([]string, len(raws))
	pw := make([]string, len(raws))
	tk := make([]string, len(raws))
	for i, r := range raws {
		ids[i], pw[i], tk[i] = r.id(), toString(r[fieldPassword]), toString(r[fieldTokenKey])
	}
	_, err := tx.Exec(ctx, `INSERT INTO `+secretsTable(cfg, spec.ID)+` AS t (id, password, token_key, _pb_seq)
		SELECT i, p, k, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS s(i, p, k)
		ON CONFLICT (id) DO UPDATE SET password = EXCLUDED.password, token_key = EXCLUDED.token_key, _pb_seq = EXCLUDED._pb_seq
		WHERE t._pb_seq <= EXCLUDED._pb_seq`, ids, pw, tk, seq)
	if err != nil {
		return fmt.Errorf("upsert secrets of %s: %w", spec.Name, err)
	}
	return nil
}

func deleteSecrets(ctx context.Context, tx pgx.Tx, cfg Config, spec *tableSpec, ids []string, seq int64) error {
	if cfg.SecretsSchema == "" || !spec.Auth || len(ids) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM `+secretsTable(cfg, spec.ID)+` WHERE id = ANY($1) AND _pb_seq <= $2`, ids, seq); err != nil {
		return fmt.Errorf("delete secrets of %s: %w", spec.Name, err)
	}
	return nil
}

// saveParams copies the app settings rows into the restricted schema.
func saveParams(ctx context.Context, tx pgx.Tx, cfg Config, rows []rawRow) error {
	if cfg.SecretsSchema == "" {
		return nil
	}
	for _, r := range rows {
		if _, err := tx.Exec(ctx, `INSERT INTO `+pgIdent(cfg.SecretsSchema)+`._params (id, value) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value`, toString(r["id"]), toString(r["value"])); err != nil {
			return fmt.Errorf("save settings: %w", err)
		}
	}
	return nil
}
