package pgmirror

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Status is what `sgul pg status` prints.
type Status struct {
	Schema        string
	Epoch         string // SQLite side
	PGEpoch       string
	SQLiteSeq     int64 // last outbox sequence assigned in SQLite
	AppliedSeq    int64 // relay cursor in PostgreSQL
	LagEvents     int64
	LagSeconds    float64 // age of the oldest event not yet applied
	LastAppliedAt *time.Time
	RelayRunning  bool // another process holds the relay lock
	Resyncs       []ResyncStatus
	Collections   []CollectionCount
}

// ResyncStatus is one pending resync.
type ResyncStatus struct {
	Collection string
	RowsDone   int64
	StartedAt  time.Time
}

// CollectionCount compares row counts of one collection.
type CollectionCount struct {
	Name   string
	SQLite int64
	PG     int64
}

// ReadStatus reports the mirror state; with counts it also counts the rows of
// every mirrored collection on both sides.
func ReadStatus(ctx context.Context, app core.App, cfg Config, counts bool) (*Status, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	lite, err := readSQLiteState(app.DB())
	if err != nil {
		return nil, err
	}
	conn, err := connect(ctx, cfg.URL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	if err := ensurePGSchema(ctx, conn, cfg); err != nil {
		return nil, err
	}
	st := &Status{Schema: cfg.Schema, Epoch: lite.Epoch, SQLiteSeq: lite.MaxSeq}
	pst, _, err := loadState(ctx, conn, cfg.Schema)
	if err != nil {
		return nil, err
	}
	st.PGEpoch, st.AppliedSeq, st.LastAppliedAt = pst.Epoch, pst.AppliedSeq, pst.AppliedAt
	st.LagEvents = max(0, st.SQLiteSeq-st.AppliedSeq)
	var created sql.NullString
	if err := app.DB().NewQuery(`SELECT created FROM ` + outboxTable + ` WHERE seq > {:a} ORDER BY seq LIMIT 1`).
		Bind(map[string]any{"a": pst.AppliedSeq}).Row(&created); err == nil && created.Valid {
		if dt, err := types.ParseDateTime(created.String); err == nil && !dt.IsZero() {
			st.LagSeconds = time.Since(dt.Time()).Seconds()
		}
	}
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, lockKey(cfg.Schema)).Scan(&locked); err != nil {
		return nil, fmt.Errorf("probe relay lock: %w", err)
	}
	st.RelayRunning = !locked
	rows, err := conn.Query(ctx, `SELECT COALESCE(c.name, r.collection_id), r.rows_done, r.started_at FROM `+pgIdent(cfg.Schema)+`._resync r
		LEFT JOIN `+pgIdent(cfg.Schema)+`._collections c ON c.id = r.collection_id ORDER BY r.started_at`)
	if err != nil {
		return nil, fmt.Errorf("read resyncs: %w", err)
	}
	for rows.Next() {
		var rs ResyncStatus
		if err := rows.Scan(&rs.Collection, &rs.RowsDone, &rs.StartedAt); err != nil {
			rows.Close()
			return nil, err
		}
		st.Resyncs = append(st.Resyncs, rs)
	}
	rows.Close()
	if !counts {
		return st, nil
	}
	cols, err := app.FindAllCollections()
	if err != nil {
		return nil, err
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
	for _, c := range cols {
		if !IsMirrored(c) {
			continue
		}
		cc := CollectionCount{Name: c.Name, PG: -1}
		if err := app.DB().Select("count(*)").From(c.Name).Row(&cc.SQLite); err != nil {
			return nil, fmt.Errorf("count %s: %w", c.Name, err)
		}
		var exists bool
		_ = conn.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, pgIdent(cfg.Schema)+"."+pgIdent(c.Name)).Scan(&exists)
		if exists {
			if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+pgIdent(cfg.Schema)+`.`+pgIdent(c.Name)).Scan(&cc.PG); err != nil {
				return nil, fmt.Errorf("count %s in PostgreSQL: %w", c.Name, err)
			}
		}
		st.Collections = append(st.Collections, cc)
	}
	return st, nil
}
