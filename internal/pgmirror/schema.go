package pgmirror

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pocketbase/pocketbase/core"
)

// pgTable is the mirror's record of one PostgreSQL table (loaded from _collections/_fields).
type pgTable struct {
	ID      string
	Name    string
	Digest  string
	Auth    bool
	Columns []column
}

// spec returns the table shape as a tableSpec.
func (t *pgTable) spec() *tableSpec {
	return &tableSpec{ID: t.ID, Name: t.Name, Auth: t.Auth, Columns: t.Columns}
}

type pgMeta map[string]*pgTable

func (m pgMeta) clone() pgMeta {
	out := make(pgMeta, len(m))
	for k, v := range m {
		cp := *v
		cp.Columns = append([]column(nil), v.Columns...)
		out[k] = &cp
	}
	return out
}

func (m pgMeta) byName(name string) *pgTable {
	for _, t := range m {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// metaDDL creates the mirror bookkeeping tables (all prefixed with "_").
func metaDDL(schema, secrets string) []string {
	s := pgIdent(schema)
	ddl := []string{
		`CREATE SCHEMA IF NOT EXISTS ` + s,
		`CREATE TABLE IF NOT EXISTS ` + s + `._state (
			id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
			epoch text NOT NULL,
			applied_seq bigint NOT NULL DEFAULT 0,
			max_seq bigint NOT NULL DEFAULT 0,
			gen bigint NOT NULL DEFAULT 0,
			last_event_at timestamptz,
			applied_at timestamptz)`,
		`CREATE TABLE IF NOT EXISTS ` + s + `._collections (
			id text PRIMARY KEY, name text NOT NULL, type text NOT NULL,
			digest text NOT NULL, definition jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
		`CREATE TABLE IF NOT EXISTS ` + s + `._fields (
			collection_id text NOT NULL, field_id text NOT NULL, position int NOT NULL,
			column_name text NOT NULL, field_type text NOT NULL, pg_type text NOT NULL, multiple boolean NOT NULL,
			PRIMARY KEY (collection_id, field_id))`,
		`CREATE TABLE IF NOT EXISTS ` + s + `._resync (
			collection_id text PRIMARY KEY, gen bigint NOT NULL, last_id text NOT NULL DEFAULT '',
			start_seq bigint NOT NULL, rows_done bigint NOT NULL DEFAULT 0, started_at timestamptz NOT NULL DEFAULT now())`,
		`CREATE TABLE IF NOT EXISTS ` + s + `._tombstones (
			collection_id text NOT NULL, id text NOT NULL, seq bigint NOT NULL, at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (collection_id, id))`,
	}
	if secrets != "" {
		z := pgIdent(secrets)
		ddl = append(ddl,
			`CREATE SCHEMA IF NOT EXISTS `+z,
			`REVOKE ALL ON SCHEMA `+z+` FROM PUBLIC`,
			`CREATE TABLE IF NOT EXISTS `+z+`._collections (id text PRIMARY KEY, definition jsonb NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS `+z+`._params (id text PRIMARY KEY, value text)`,
		)
	}
	return ddl
}

func ensurePGSchema(ctx context.Context, conn *pgx.Conn, cfg Config) error {
	for _, s := range metaDDL(cfg.Schema, cfg.SecretsSchema) {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("create mirror schema: %w", err)
		}
	}
	return nil
}

func loadMeta(ctx context.Context, q pgx.Tx, schema string) (pgMeta, error) {
	s := pgIdent(schema)
	meta := pgMeta{}
	rows, err := q.Query(ctx, `SELECT id, name, type, digest FROM `+s+`._collections`)
	if err != nil {
		return nil, fmt.Errorf("load mirror collections: %w", err)
	}
	for rows.Next() {
		t := &pgTable{}
		var typ string
		if err := rows.Scan(&t.ID, &t.Name, &typ, &t.Digest); err != nil {
			return nil, err
		}
		t.Auth = typ == core.CollectionTypeAuth
		meta[t.ID] = t
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT collection_id, field_id, column_name, field_type, pg_type, multiple FROM `+s+`._fields ORDER BY collection_id, position`)
	if err != nil {
		return nil, fmt.Errorf("load mirror fields: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cid string
		var c column
		if err := rows.Scan(&cid, &c.FieldID, &c.Name, &c.FieldType, &c.PGType, &c.Multiple); err != nil {
			return nil, err
		}
		if t := meta[cid]; t != nil {
			t.Columns = append(t.Columns, c)
		}
	}
	return meta, rows.Err()
}

// reconciler brings PostgreSQL tables in line with collection definitions read
// from a SQLite snapshot, inside one PostgreSQL transaction.
type reconciler struct {
	tx           pgx.Tx
	cfg          Config
	meta         pgMeta // working copy; becomes the cache after commit
	viewsDropped bool
	tablesMoved  bool
	needResync   []string // collection ids whose column types changed
}

func newReconciler(tx pgx.Tx, cfg Config, meta pgMeta) *reconciler {
	return &reconciler{tx: tx, cfg: cfg, meta: meta.clone()}
}

func (r *reconciler) exec(ctx context.Context, sql string, args ...any) error {
	if _, err := r.tx.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("%s: %w", firstLine(sql), err)
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i > 0 {
		s = s[:i]
	}
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// ddl runs a statement that changes a mirror table; BI views depend on those
// tables, so they are dropped first and recreated by finish.
func (r *reconciler) ddl(ctx context.Context, sql string) error {
	if !r.viewsDropped {
		if err := dropViews(ctx, r.tx, r.cfg.Schema); err != nil {
			return err
		}
		r.viewsDropped = true
	}
	r.tablesMoved = true
	return r.exec(ctx, sql)
}

func (r *reconciler) table(name string) string { return pgIdent(r.cfg.Schema) + "." + pgIdent(name) }

// sync reconciles one collection. c == nil (or not mirrored) means it is gone.
func (r *reconciler) sync(ctx context.Context, id string, c *core.Collection) error {
	cur := r.meta[id]
	if c == nil || !IsMirrored(c) {
		if cur == nil {
			return nil
		}
		return r.archive(ctx, cur)
	}
	spec := specOf(c)
	def, secretDef, digest, err := definitionJSON(c)
	if err != nil {
		return err
	}
	if cur != nil && cur.Digest == digest {
		return nil
	}
	if cur == nil {
		if err := r.create(ctx, spec); err != nil {
			return err
		}
	} else if err := r.alter(ctx, cur, spec); err != nil {
		return err
	}
	if err := r.saveMeta(ctx, spec, c.Type, digest, def); err != nil {
		return err
	}
	if r.cfg.SecretsSchema != "" {
		z := pgIdent(r.cfg.SecretsSchema)
		if err := r.exec(ctx, `INSERT INTO `+z+`._collections (id, definition) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition`, id, secretDef); err != nil {
			return err
		}
		if spec.Auth {
			return r.exec(ctx, `CREATE TABLE IF NOT EXISTS `+secretsTable(r.cfg, id)+` (
				id text PRIMARY KEY, password text NOT NULL DEFAULT '', token_key text NOT NULL DEFAULT '', _pb_seq bigint NOT NULL)`)
		}
	}
	return nil
}

func secretsTable(cfg Config, collectionID string) string {
	return pgIdent(cfg.SecretsSchema) + "." + pgIdent("auth_"+collectionID)
}

// moveAside renames a table that holds name but belongs elsewhere.
func (r *reconciler) moveAside(ctx context.Context, name, keepID string) error {
	if other := r.meta.byName(name); other != nil && other.ID != keepID {
		tmp := "_pgm_tmp_" + other.ID
		if err := r.ddl(ctx, `ALTER TABLE `+r.table(name)+` RENAME TO `+pgIdent(tmp)); err != nil {
			return err
		}
		other.Name = tmp
		return r.exec(ctx, `UPDATE `+pgIdent(r.cfg.Schema)+`._collections SET name = $1 WHERE id = $2`, tmp, other.ID)
	}
	var exists bool
	if err := r.tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, r.table(name)).Scan(&exists); err != nil {
		return fmt.Errorf("check table %s: %w", name, err)
	}
	if exists { // an orphan from an earlier life: keep it, out of the way
		return r.ddl(ctx, `ALTER TABLE `+r.table(name)+` RENAME TO `+pgIdent(archiveName(name)))
	}
	return nil
}

func archiveName(name string) string {
	n := "_archived_" + name
	if len(n) > 45 {
		n = n[:45]
	}
	return n + "_" + time.Now().UTC().Format("20060102150405")
}

func (r *reconciler) create(ctx context.Context, spec *tableSpec) error {
	if err := r.moveAside(ctx, spec.Name, spec.ID); err != nil {
		return err
	}
	cols := []string{`id text PRIMARY KEY`}
	for _, c := range spec.Columns {
		cols = append(cols, columnDDL(c))
	}
	cols = append(cols, `_pb_seq bigint NOT NULL`, `_pb_gen bigint NOT NULL DEFAULT 0`)
	return r.ddl(ctx, `CREATE TABLE `+r.table(spec.Name)+` (`+strings.Join(cols, ", ")+`)`)
}

func columnDDL(c column) string { return pgIdent(c.Name) + " " + c.PGType + " DEFAULT " + zeroSQL(c) }

func (r *reconciler) alter(ctx context.Context, cur *pgTable, spec *tableSpec) error {
	if cur.Name != spec.Name {
		if err := r.moveAside(ctx, spec.Name, spec.ID); err != nil {
			return err
		}
		if err := r.ddl(ctx, `ALTER TABLE `+r.table(cur.Name)+` RENAME TO `+pgIdent(spec.Name)); err != nil {
			return err
		}
	}
	t := r.table(spec.Name)
	want := map[string]column{}
	for _, c := range spec.Columns {
		want[c.FieldID] = c
	}
	typeChanged := false
	var renames []column
	for _, old := range cur.Columns {
		nc, ok := want[old.FieldID]
		switch {
		case !ok || nc.PGType != old.PGType:
			if err := r.ddl(ctx, `ALTER TABLE `+t+` DROP COLUMN IF EXISTS `+pgIdent(old.Name)); err != nil {
				return err
			}
			typeChanged = typeChanged || ok
		case nc.Name != old.Name:
			// two steps through a temporary name, so that swapped names work
			tmp := "_pgm_" + old.FieldID
			if err := r.ddl(ctx, `ALTER TABLE `+t+` RENAME COLUMN `+pgIdent(old.Name)+` TO `+pgIdent(tmp)); err != nil {
				return err
			}
			renames = append(renames, nc)
			fallthrough
		default:
			delete(want, old.FieldID)
		}
	}
	for _, nc := range renames {
		if err := r.ddl(ctx, `ALTER TABLE `+t+` RENAME COLUMN `+pgIdent("_pgm_"+nc.FieldID)+` TO `+pgIdent(nc.Name)); err != nil {
			return err
		}
	}
	for _, c := range spec.Columns {
		if _, added := want[c.FieldID]; added {
			if err := r.ddl(ctx, `ALTER TABLE `+t+` ADD COLUMN `+columnDDL(c)); err != nil {
				return err
			}
		}
	}
	if typeChanged {
		r.needResync = append(r.needResync, spec.ID)
	}
	return nil
}

func (r *reconciler) saveMeta(ctx context.Context, spec *tableSpec, typ, digest string, def []byte) error {
	s := pgIdent(r.cfg.Schema)
	if err := r.exec(ctx, `INSERT INTO `+s+`._collections (id, name, type, digest, definition, updated_at)
		VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, type = EXCLUDED.type,
		digest = EXCLUDED.digest, definition = EXCLUDED.definition, updated_at = now()`,
		spec.ID, spec.Name, typ, digest, def); err != nil {
		return err
	}
	if err := r.exec(ctx, `DELETE FROM `+s+`._fields WHERE collection_id = $1`, spec.ID); err != nil {
		return err
	}
	for i, c := range spec.Columns {
		if err := r.exec(ctx, `INSERT INTO `+s+`._fields (collection_id, field_id, position, column_name, field_type, pg_type, multiple)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, spec.ID, c.FieldID, i, c.Name, c.FieldType, c.PGType, c.Multiple); err != nil {
			return err
		}
	}
	r.meta[spec.ID] = &pgTable{ID: spec.ID, Name: spec.Name, Digest: digest, Auth: spec.Auth, Columns: spec.Columns}
	return nil
}

// archive keeps a deleted collection's table under an _archived_ name.
func (r *reconciler) archive(ctx context.Context, cur *pgTable) error {
	s := pgIdent(r.cfg.Schema)
	if err := r.ddl(ctx, `ALTER TABLE IF EXISTS `+r.table(cur.Name)+` RENAME TO `+pgIdent(archiveName(cur.Name))); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM ` + s + `._collections WHERE id = $1`,
		`DELETE FROM ` + s + `._fields WHERE collection_id = $1`,
		`DELETE FROM ` + s + `._resync WHERE collection_id = $1`,
		`DELETE FROM ` + s + `._tombstones WHERE collection_id = $1`,
	} {
		if err := r.exec(ctx, q, cur.ID); err != nil {
			return err
		}
	}
	if r.cfg.SecretsSchema != "" {
		if err := r.exec(ctx, `DELETE FROM `+pgIdent(r.cfg.SecretsSchema)+`._collections WHERE id = $1`, cur.ID); err != nil {
			return err
		}
		if err := r.exec(ctx, `DROP TABLE IF EXISTS `+secretsTable(r.cfg, cur.ID)); err != nil {
			return err
		}
	}
	delete(r.meta, cur.ID)
	return nil
}

// finish recreates the BI views after table changes.
func (r *reconciler) finish(ctx context.Context) error {
	if !r.viewsDropped && !r.tablesMoved {
		return nil
	}
	return ensureViews(ctx, r.tx, r.cfg.Schema)
}

// definitionJSON returns the collection JSON without secrets (for the mirror),
// the full JSON (for the secrets schema) and a digest of the former.
func definitionJSON(c *core.Collection) (public, full []byte, digest string, err error) {
	full, err = json.Marshal(c)
	if err != nil {
		return nil, nil, "", fmt.Errorf("marshal collection %s: %w", c.Name, err)
	}
	var m map[string]any
	if err := json.Unmarshal(full, &m); err != nil {
		return nil, nil, "", err
	}
	stripSecrets(m)
	delete(m, "updated")
	public, err = json.Marshal(m)
	if err != nil {
		return nil, nil, "", err
	}
	sum := sha256.Sum256(public)
	return public, full, hex.EncodeToString(sum[:8]), nil
}

var tokenOptionKeys = []string{"authToken", "passwordResetToken", "emailChangeToken", "verificationToken", "fileToken"}

func stripSecrets(m map[string]any) {
	for _, k := range tokenOptionKeys {
		if o, ok := m[k].(map[string]any); ok {
			o["secret"] = ""
		}
	}
	if o, ok := m["oauth2"].(map[string]any); ok {
		if ps, ok := o["providers"].([]any); ok {
			for _, p := range ps {
				if pm, ok := p.(map[string]any); ok {
					pm["clientSecret"] = ""
				}
			}
		}
	}
}

var errLocked = errors.New("another relay holds the mirror lock")
