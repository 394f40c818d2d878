package pgmirror

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// triggerPrefix names every capture trigger; bump the digit when the trigger body
// changes so that the doctor replaces old ones.
const triggerPrefix = "_pgm1_"

const paramsTriggerKey = "params"

func triggerNames(key string) []string {
	return []string{triggerPrefix + key + "_i", triggerPrefix + key + "_u", triggerPrefix + key + "_d"}
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func sqlIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// triggerDDL returns the three capture triggers of a table. They reference only
// the id column and a literal, so they survive column and table renames.
func triggerDDL(key, table, kind, collectionID string) []string {
	names := triggerNames(key)
	ins := func(id, op string) string {
		return fmt.Sprintf(`INSERT INTO %s (kind, collection_id, record_id, op) VALUES (%s, %s, %s, '%s');`,
			outboxTable, sqlString(kind), sqlString(collectionID), id, op)
	}
	return []string{
		fmt.Sprintf(`CREATE TRIGGER %s AFTER INSERT ON %s BEGIN %s END`, sqlIdent(names[0]), sqlIdent(table), ins("NEW.id", "i")),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER UPDATE ON %s BEGIN INSERT INTO %s (kind, collection_id, record_id, op) SELECT %s, %s, OLD.id, 'd' WHERE OLD.id IS NOT NEW.id; %s END`,
			sqlIdent(names[1]), sqlIdent(table), outboxTable, sqlString(kind), sqlString(collectionID), ins("NEW.id", "u")),
		fmt.Sprintf(`CREATE TRIGGER %s AFTER DELETE ON %s BEGIN %s END`, sqlIdent(names[2]), sqlIdent(table), ins("OLD.id", "d")),
	}
}

// installTriggers (re)creates the capture triggers of one collection table.
func installTriggers(db dbx.Builder, c *core.Collection) error {
	return replaceTriggers(db, c.Id, c.Name, kindRow, c.Id)
}

func replaceTriggers(db dbx.Builder, key, table, kind, collectionID string) error {
	if err := dropTriggers(db, triggerNames(key)); err != nil {
		return err
	}
	for _, ddl := range triggerDDL(key, table, kind, collectionID) {
		if _, err := db.NewQuery(ddl).Execute(); err != nil {
			return fmt.Errorf("install capture trigger on %s: %w", table, err)
		}
	}
	return nil
}

func dropTriggers(db dbx.Builder, names []string) error {
	for _, n := range names {
		if _, err := db.NewQuery(`DROP TRIGGER IF EXISTS ` + sqlIdent(n)).Execute(); err != nil {
			return fmt.Errorf("drop trigger %s: %w", n, err)
		}
	}
	return nil
}

// existingTriggers maps capture trigger name -> table name.
func existingTriggers(db dbx.Builder) (map[string]string, error) {
	var rows []struct {
		Name  string `db:"name"`
		Table string `db:"tbl_name"`
	}
	if err := db.NewQuery(`SELECT name, tbl_name FROM sqlite_master WHERE type='trigger'`).All(&rows); err != nil {
		return nil, fmt.Errorf("list triggers: %w", err)
	}
	out := map[string]string{}
	for _, r := range rows {
		if strings.HasPrefix(r.Name, "_pgm") {
			out[r.Name] = r.Table
		}
	}
	return out, nil
}

// DoctorReport says what the trigger check changed.
type DoctorReport struct {
	Installed []string // collections whose triggers were (re)installed; each gets a resync
	Removed   []string // stale capture triggers dropped
}

// Doctor makes sure the outbox exists and every mirrored collection has its
// capture triggers. A collection that had none (first enable, mirror re-enabled
// after minimal mode, a trigger dropped by hand) may have missed changes, so it
// gets a resync event in the same transaction. It only touches SQLite.
func Doctor(app core.App) (DoctorReport, error) {
	var rep DoctorReport
	err := app.RunInTransaction(func(tx core.App) error {
		db := tx.NonconcurrentDB()
		if err := ensureOutbox(db); err != nil {
			return err
		}
		have, err := existingTriggers(db)
		if err != nil {
			return err
		}
		var cols []*core.Collection
		if err := tx.CollectionQuery().All(&cols); err != nil {
			return fmt.Errorf("list collections: %w", err)
		}
		want := map[string]bool{}
		for _, c := range cols {
			if !IsMirrored(c) {
				continue
			}
			for _, n := range triggerNames(c.Id) {
				want[n] = true
			}
			if complete(have, triggerNames(c.Id), c.Name) {
				continue
			}
			if err := installTriggers(db, c); err != nil {
				return err
			}
			if err := enqueue(db, kindResync, c.Id, "", ""); err != nil {
				return err
			}
			rep.Installed = append(rep.Installed, c.Name)
		}
		for _, n := range triggerNames(paramsTriggerKey) {
			want[n] = true
		}
		if !complete(have, triggerNames(paramsTriggerKey), "_params") {
			if err := replaceTriggers(db, paramsTriggerKey, "_params", kindParams, ""); err != nil {
				return err
			}
			if err := enqueue(db, kindParams, "", "", ""); err != nil {
				return err
			}
		}
		for n := range have {
			if !want[n] {
				if err := dropTriggers(db, []string{n}); err != nil {
					return err
				}
				rep.Removed = append(rep.Removed, n)
			}
		}
		return nil
	})
	return rep, err
}

// RemoveCapture drops every capture trigger (minimal mode). The outbox table is
// kept; when the mirror is enabled again the doctor reinstalls the triggers and
// resyncs each collection, since changes made meanwhile were not captured.
func RemoveCapture(app core.App) error {
	db := app.NonconcurrentDB()
	have, err := existingTriggers(db)
	if err != nil || len(have) == 0 {
		return err
	}
	names := make([]string, 0, len(have))
	for n := range have {
		names = append(names, n)
	}
	return app.RunInTransaction(func(tx core.App) error { return dropTriggers(tx.NonconcurrentDB(), names) })
}

// complete reports whether every named trigger exists on table.
func complete(have map[string]string, names []string, table string) bool {
	for _, n := range names {
		if have[n] != table {
			return false
		}
	}
	return true
}
