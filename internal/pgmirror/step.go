package pgmirror

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/pocketbase/pocketbase/core"
)

// batch is what one outbox step read from a SQLite snapshot.
type batch struct {
	maxSeq    int64
	last      event
	touched   map[string]bool            // collection ids to reconcile
	recordIDs map[string]map[string]bool // collection id -> record ids
	resync    map[string]bool            // collection ids ("*" = all)
	params    bool
	defs      map[string]*core.Collection
	rows      map[string]map[string]rawRow
	paramRows []rawRow
}

// stepOutbox applies one outbox batch. State transfer: the current rows are
// re-read, so repeated updates of a record coalesce into one upsert.
func (r *Relay) stepOutbox(ctx context.Context) (bool, error) {
	b, err := r.readBatch()
	if err != nil {
		return false, err
	}
	if b == nil {
		return false, nil
	}
	if err := r.fail("read"); err != nil {
		return false, err
	}
	tx, err := r.conn.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	rc := newReconciler(tx, r.cfg, r.meta)
	ids := sortedKeys(b.touched)
	for _, id := range ids {
		if err := rc.sync(ctx, id, b.defs[id]); err != nil {
			return false, err
		}
	}
	resync := rc.needResync
	if b.resync["*"] {
		for id, c := range b.defs {
			if IsMirrored(c) {
				resync = append(resync, id)
			}
		}
	}
	for id := range b.resync {
		if id != "*" && rc.meta[id] != nil {
			resync = append(resync, id)
		}
	}
	sort.Strings(resync)
	for _, id := range resync {
		if err := scheduleResync(ctx, tx, r.cfg.Schema, id, b.maxSeq); err != nil {
			return false, err
		}
	}
	for _, cid := range sortedKeys(b.recordIDs) {
		t := rc.meta[cid]
		if t == nil {
			continue // collection gone or not mirrored
		}
		if err := r.applyRecords(ctx, tx, t.spec(), b.recordIDs[cid], b.rows[cid], b.maxSeq); err != nil {
			return false, err
		}
	}
	if b.params {
		if err := saveParams(ctx, tx, r.cfg, b.paramRows); err != nil {
			return false, err
		}
	}
	if err := r.fail("applied"); err != nil {
		return false, err
	}
	if err := rc.finish(ctx); err != nil {
		return false, err
	}
	s := pgIdent(r.cfg.Schema)
	if _, err := tx.Exec(ctx, `UPDATE `+s+`._state SET applied_seq = $1, max_seq = GREATEST(max_seq, $2),
		last_event_at = COALESCE($3::timestamptz, last_event_at), applied_at = now()`, b.last.Seq, b.maxSeq, nilIfEmpty(b.last.Created)); err != nil {
		return false, fmt.Errorf("advance cursor: %w", err)
	}
	jobs := r.resyncs
	if len(resync) > 0 {
		if jobs, err = loadResyncs(ctx, tx, r.cfg.Schema); err != nil {
			return false, err
		}
	}
	if err := r.fail("commit"); err != nil {
		return false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("commit batch: %w", err)
	}
	r.applied, r.meta, r.resyncs = b.last.Seq, rc.meta, jobs
	return true, nil
}

func (r *Relay) applyRecords(ctx context.Context, tx pgx.Tx, spec *tableSpec, ids map[string]bool, rows map[string]rawRow, seq int64) error {
	var present []rawRow
	var gone []string
	for _, id := range sortedKeys(ids) {
		if row, ok := rows[id]; ok {
			present = append(present, row)
		} else {
			gone = append(gone, id)
		}
	}
	if err := deleteRows(ctx, tx, r.cfg.Schema, spec, gone, seq); err != nil {
		return err
	}
	if err := deleteSecrets(ctx, tx, r.cfg, spec, gone, seq); err != nil {
		return err
	}
	if err := upsertRows(ctx, tx, r.cfg.Schema, spec, convertRows(spec, present), seq, 0); err != nil {
		return err
	}
	return upsertSecrets(ctx, tx, r.cfg, spec, present, seq)
}

// readBatch reads the next events and the rows they point at in one snapshot.
// With no pending event it moves the cursor up to the current sequence (which
// can be ahead after a sequence bump) and returns nil.
func (r *Relay) readBatch() (*batch, error) {
	snap, err := beginSnapshot(r.app)
	if err != nil {
		return nil, err
	}
	defer snap.close()
	evs, err := readEvents(snap.tx, r.applied, r.cfg.BatchSize)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		if snap.maxSeq > r.applied {
			return &batch{maxSeq: snap.maxSeq, last: event{Seq: snap.maxSeq}}, nil
		}
		return nil, nil
	}
	b := &batch{
		maxSeq:    snap.maxSeq,
		last:      evs[len(evs)-1],
		touched:   map[string]bool{},
		recordIDs: map[string]map[string]bool{},
		resync:    map[string]bool{},
	}
	for _, e := range evs {
		switch e.Kind {
		case kindRow:
			if b.recordIDs[e.CollectionID] == nil {
				b.recordIDs[e.CollectionID] = map[string]bool{}
			}
			b.recordIDs[e.CollectionID][e.RecordID] = true
			b.touched[e.CollectionID] = true
		case kindCollection:
			b.touched[e.CollectionID] = true
		case kindResync:
			b.resync[e.CollectionID] = true
			if e.CollectionID != "*" {
				b.touched[e.CollectionID] = true
			}
		case kindParams:
			b.params = true
		}
	}
	var ids []string
	if !b.resync["*"] {
		ids = sortedKeys(b.touched)
	}
	if b.defs, err = snap.collections(ids); err != nil {
		return nil, err
	}
	b.rows = map[string]map[string]rawRow{}
	for cid, set := range b.recordIDs {
		c := b.defs[cid]
		if !IsMirrored(c) {
			continue
		}
		if b.rows[cid], err = snap.rowsByID(c, sortedKeys(set)); err != nil {
			return nil, err
		}
	}
	if b.params && r.cfg.SecretsSchema != "" {
		if b.paramRows, err = snap.params(); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
