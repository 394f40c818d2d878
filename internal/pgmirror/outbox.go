package pgmirror

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// SQLite objects of the capture side.
const (
	outboxTable = "_pgmirror_outbox"
	stateTable  = "_pgmirror_state"
)

// Outbox event kinds.
const (
	kindRow        = "row"        // a record changed: re-read it
	kindCollection = "collection" // a collection was created, updated or deleted
	kindResync     = "resync"     // resync one collection ("*" = all)
	kindParams     = "params"     // app settings changed (copied to the secrets schema only)
)

// event is one outbox row.
type event struct {
	Seq          int64  `db:"seq"`
	Kind         string `db:"kind"`
	CollectionID string `db:"collection_id"`
	RecordID     string `db:"record_id"`
	Op           string `db:"op"`
	Created      string `db:"created"`
}

const nowSQL = `strftime('%Y-%m-%d %H:%M:%fZ','now')`

// ensureOutbox creates the outbox and state tables and the epoch if missing.
func ensureOutbox(db dbx.Builder) error {
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS ` + outboxTable + ` (
			seq INTEGER PRIMARY KEY AUTOINCREMENT,
			kind TEXT NOT NULL,
			collection_id TEXT NOT NULL DEFAULT '',
			record_id TEXT NOT NULL DEFAULT '',
			op TEXT NOT NULL DEFAULT '',
			created TEXT NOT NULL DEFAULT (` + nowSQL + `))`,
		`CREATE TABLE IF NOT EXISTS ` + stateTable + ` (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
	}
	for _, s := range stmts {
		if _, err := db.NewQuery(s).Execute(); err != nil {
			return fmt.Errorf("create outbox: %w", err)
		}
	}
	_, err := db.NewQuery(`INSERT OR IGNORE INTO ` + stateTable + ` (key, value) VALUES ('epoch', {:e})`).
		Bind(dbx.Params{"e": newEpoch()}).Execute()
	if err != nil {
		return fmt.Errorf("create epoch: %w", err)
	}
	return nil
}

func newEpoch() string { return security.PseudorandomString(16) }

// outboxExists reports whether the capture tables were ever created.
func outboxExists(db dbx.Builder) (bool, error) {
	var n int
	err := db.NewQuery(`SELECT count(*) FROM sqlite_master WHERE type='table' AND name={:n}`).
		Bind(dbx.Params{"n": outboxTable}).Row(&n)
	return n > 0, err
}

// enqueue writes one outbox event with db (a transaction when atomicity matters).
func enqueue(db dbx.Builder, kind, collectionID, recordID, op string) error {
	_, err := db.NewQuery(`INSERT INTO ` + outboxTable + ` (kind, collection_id, record_id, op) VALUES ({:k}, {:c}, {:r}, {:o})`).
		Bind(dbx.Params{"k": kind, "c": collectionID, "r": recordID, "o": op}).Execute()
	if err != nil {
		return fmt.Errorf("enqueue %s event: %w", kind, err)
	}
	return nil
}

// EnqueueResync asks the relay to resync one collection (by name or id), or all
// mirrored collections when nameOrID is empty. It only writes to SQLite.
func EnqueueResync(app core.App, nameOrID string) error {
	if err := ensureOutbox(app.NonconcurrentDB()); err != nil {
		return err
	}
	id := "*"
	if nameOrID != "" {
		c, err := app.FindCollectionByNameOrId(nameOrID)
		if err != nil {
			return fmt.Errorf("collection %q: %w", nameOrID, err)
		}
		if !IsMirrored(c) {
			return fmt.Errorf("collection %q is not mirrored", c.Name)
		}
		id = c.Id
	}
	return enqueue(app.NonconcurrentDB(), kindResync, id, "", "")
}

// sqliteState is what the relay needs to know about the capture side.
type sqliteState struct {
	Epoch  string
	MaxSeq int64 // sqlite_sequence of the outbox: last assigned seq
}

func readSQLiteState(db dbx.Builder) (sqliteState, error) {
	var st sqliteState
	err := db.NewQuery(`SELECT value FROM ` + stateTable + ` WHERE key='epoch'`).Row(&st.Epoch)
	if err != nil {
		return st, fmt.Errorf("read epoch: %w", err)
	}
	st.MaxSeq, err = maxSeq(db)
	return st, err
}

// maxSeq returns the last sequence number assigned by the outbox.
func maxSeq(db dbx.Builder) (int64, error) {
	var seq sql.NullInt64
	err := db.NewQuery(`SELECT seq FROM sqlite_sequence WHERE name={:n}`).Bind(dbx.Params{"n": outboxTable}).Row(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		if strings.Contains(err.Error(), "no such table") { // no AUTOINCREMENT table yet
			return 0, nil
		}
		return 0, fmt.Errorf("read outbox sequence: %w", err)
	}
	return seq.Int64, nil
}

// bumpSeq moves the outbox sequence to at least min, so that new events sort
// after everything PostgreSQL has already seen (used after a SQLite restore).
func bumpSeq(db dbx.Builder, min int64) error {
	cur, err := maxSeq(db)
	if err != nil || cur >= min {
		return err
	}
	res, err := db.NewQuery(`UPDATE sqlite_sequence SET seq={:s} WHERE name={:n}`).
		Bind(dbx.Params{"s": min, "n": outboxTable}).Execute()
	if err != nil {
		return fmt.Errorf("bump outbox sequence: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err = db.NewQuery(`INSERT INTO sqlite_sequence (name, seq) VALUES ({:n}, {:s})`).
			Bind(dbx.Params{"s": min, "n": outboxTable}).Execute()
		if err != nil {
			return fmt.Errorf("bump outbox sequence: %w", err)
		}
	}
	return nil
}

func readEvents(db dbx.Builder, after int64, limit int) ([]event, error) {
	var evs []event
	err := db.NewQuery(`SELECT seq, kind, collection_id, record_id, op, created FROM ` + outboxTable +
		` WHERE seq > {:a} ORDER BY seq LIMIT {:l}`).Bind(dbx.Params{"a": after, "l": limit}).All(&evs)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return evs, nil
}

// firstSeqAfter returns the smallest seq > after still in the outbox (0 if none).
func firstSeqAfter(db dbx.Builder, after int64) (int64, error) {
	var seq sql.NullInt64
	err := db.NewQuery(`SELECT min(seq) FROM ` + outboxTable + ` WHERE seq > {:a}`).Bind(dbx.Params{"a": after}).Row(&seq)
	return seq.Int64, err
}

// pruneOutbox deletes applied events, at most 10,000 per call to keep the write short.
func pruneOutbox(db dbx.Builder, applied int64) (int64, error) {
	res, err := db.NewQuery(`DELETE FROM ` + outboxTable + ` WHERE seq <= min({:a}, (SELECT min(seq) FROM ` + outboxTable + `) + 10000)`).
		Bind(dbx.Params{"a": applied}).Execute()
	if err != nil {
		return 0, fmt.Errorf("prune outbox: %w", err)
	}
	return res.RowsAffected()
}
