package pgmirror

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// RebuildReport says what RebuildSQLite wrote.
type RebuildReport struct {
	Dir         string
	Collections []CollectionCheck // rows written and the verify result per collection
	Secrets     bool              // password hashes, tokenKeys and settings restored
	OK          bool
}

// RebuildSQLite writes a fresh pb_data in outDir from the PostgreSQL mirror
// (disaster recovery): system migrations, the mirrored collections with their
// original ids, every record, and - when cfg.SecretsSchema is set - password
// hashes, tokenKeys, token secrets and the app settings. Every migration
// registered in this binary is marked as applied, since the imported schema
// already contains their effect. The result is verified against PostgreSQL.
//
// Not restored: uploaded files (back up pb_data/storage or S3 separately),
// superusers (run `sgul superuser upsert`), logs.
func RebuildSQLite(ctx context.Context, cfg Config, outDir string, progress io.Writer) (*RebuildReport, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(outDir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty", outDir)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", outDir, err)
	}
	conn, err := connect(ctx, cfg.URL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	defs, err := loadDefinitions(ctx, tx, cfg)
	if err != nil {
		return nil, err
	}
	meta, err := loadMeta(ctx, tx, cfg.Schema)
	if err != nil {
		return nil, err
	}
	if len(defs) == 0 {
		return nil, errors.New("the mirror holds no collections")
	}

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: outDir})
	if err := app.Bootstrap(); err != nil {
		return nil, fmt.Errorf("bootstrap %s: %w", outDir, err)
	}
	defer app.ResetBootstrapState()
	if err := app.ImportCollections(defs, true); err != nil {
		return nil, fmt.Errorf("import collections: %w", err)
	}
	progressf(progress, "schema: %d collections imported\n", len(defs))
	if err := markMigrationsApplied(app); err != nil {
		return nil, err
	}
	rep := &RebuildReport{Dir: outDir, Secrets: cfg.SecretsSchema != "", OK: true}
	ids := sortedKeys(meta)
	sort.Slice(ids, func(i, j int) bool { return meta[ids[i]].Name < meta[ids[j]].Name })
	for _, id := range ids {
		if err := copyTable(ctx, tx, app, cfg, meta[id], progress); err != nil {
			return nil, err
		}
	}
	if cfg.SecretsSchema != "" {
		if err := restoreParams(ctx, tx, app, cfg); err != nil {
			return nil, err
		}
	}
	snap, err := beginSnapshot(app)
	if err != nil {
		return nil, err
	}
	defer snap.close()
	for _, id := range ids {
		c, err := app.FindCollectionByNameOrId(id)
		if err != nil {
			return nil, fmt.Errorf("rebuilt collection %s: %w", meta[id].Name, err)
		}
		chk, err := checkCollection(ctx, snap, tx, cfg.Schema, c, meta[id])
		if err != nil {
			return nil, err
		}
		reportCheck(progress, chk)
		rep.OK = rep.OK && chk.Equal
		rep.Collections = append(rep.Collections, chk)
	}
	return rep, nil
}

// loadDefinitions returns the collections to import: the full definitions from
// the secrets schema when enabled, else the public ones with fresh secrets.
func loadDefinitions(ctx context.Context, tx pgx.Tx, cfg Config) ([]map[string]any, error) {
	q := `SELECT definition::text FROM ` + pgIdent(cfg.Schema) + `._collections ORDER BY id`
	if cfg.SecretsSchema != "" {
		q = `SELECT COALESCE(s.definition, c.definition)::text FROM ` + pgIdent(cfg.Schema) + `._collections c
			LEFT JOIN ` + pgIdent(cfg.SecretsSchema) + `._collections s ON s.id = c.id ORDER BY c.id`
	}
	rows, err := tx.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read collection definitions: %w", err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return nil, fmt.Errorf("decode collection definition: %w", err)
		}
		freshSecrets(m)
		out = append(out, m)
	}
	return out, rows.Err()
}

// freshSecrets fills token secrets stripped from the public definitions; old
// auth tokens stop working, passwords do not change.
func freshSecrets(m map[string]any) {
	for _, k := range tokenOptionKeys {
		if o, ok := m[k].(map[string]any); ok && o["secret"] == "" {
			o["secret"] = security.RandomString(50)
		}
	}
	if o, ok := m["oauth2"].(map[string]any); ok {
		if ps, ok := o["providers"].([]any); ok && len(ps) > 0 {
			if pm, ok := ps[0].(map[string]any); ok && pm["clientSecret"] == "" {
				o["providers"], o["enabled"] = []any{}, false
			}
		}
	}
}

func markMigrationsApplied(app core.App) error {
	now := time.Now().UnixMicro()
	for _, m := range core.AppMigrations.Items() {
		if _, err := app.DB().NewQuery(`INSERT OR IGNORE INTO _migrations (file, applied) VALUES ({:f}, {:a})`).
			Bind(dbx.Params{"f": m.File, "a": now}).Execute(); err != nil {
			return fmt.Errorf("mark migration %s applied: %w", m.File, err)
		}
	}
	return nil
}

// copyTable streams one mirror table into the rebuilt SQLite in keyset chunks.
func copyTable(ctx context.Context, tx pgx.Tx, app core.App, cfg Config, t *pgTable, progress io.Writer) error {
	sel := []string{"m.id"}
	for _, c := range t.Columns {
		sel = append(sel, "m."+pgSelect(c))
	}
	from := pgIdent(cfg.Schema) + "." + pgIdent(t.Name) + " m"
	secrets := cfg.SecretsSchema != "" && t.Auth
	if secrets {
		sel = append(sel, "COALESCE(x.password, ''), COALESCE(x.token_key, '')")
		from += " LEFT JOIN " + secretsTable(cfg, t.ID) + " x ON x.id = m.id"
	}
	last, total := "", 0
	for {
		rows, err := tx.Query(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+from+` WHERE m.id > $1 ORDER BY m.id LIMIT 2000`, last)
		if err != nil {
			return fmt.Errorf("read %s: %w", t.Name, err)
		}
		var batch []dbx.Params
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				rows.Close()
				return err
			}
			p := dbx.Params{"id": toString(vals[0])}
			for i, c := range t.Columns {
				p[c.Name] = fromPG(c, vals[i+1])
			}
			if t.Auth {
				p[fieldPassword], p[fieldTokenKey] = "", security.RandomString(50)
				if secrets {
					n := len(t.Columns) + 1
					p[fieldPassword] = toString(vals[n])
					if k := toString(vals[n+1]); k != "" {
						p[fieldTokenKey] = k
					}
				}
			}
			batch = append(batch, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read %s: %w", t.Name, err)
		}
		if err := app.RunInTransaction(func(txApp core.App) error {
			for _, p := range batch {
				if _, err := txApp.DB().Insert(t.Name, p).Execute(); err != nil {
					return fmt.Errorf("insert into %s: %w", t.Name, err)
				}
			}
			return nil
		}); err != nil {
			return err
		}
		total += len(batch)
		if len(batch) < 2000 {
			progressf(progress, "records: %-28s %d\n", t.Name, total)
			return nil
		}
		last = batch[len(batch)-1]["id"].(string)
	}
}

func restoreParams(ctx context.Context, tx pgx.Tx, app core.App, cfg Config) error {
	rows, err := tx.Query(ctx, `SELECT id, COALESCE(value, '') FROM `+pgIdent(cfg.SecretsSchema)+`._params`)
	if err != nil {
		return fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, value string
		if err := rows.Scan(&id, &value); err != nil {
			return err
		}
		if _, err := app.DB().NewQuery(`INSERT INTO _params (id, value) VALUES ({:id}, {:v})
			ON CONFLICT(id) DO UPDATE SET value = excluded.value`).Bind(dbx.Params{"id": id, "v": value}).Execute(); err != nil {
			return fmt.Errorf("restore settings: %w", err)
		}
	}
	return rows.Err()
}
