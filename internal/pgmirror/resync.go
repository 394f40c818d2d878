package pgmirror

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// stepResync copies one keyset chunk of the oldest pending resync. Each chunk is
// read in its own short SQLite snapshot and stamped with that snapshot's
// sequence, so live events applied in between are never overwritten by older
// data. The last chunk deletes the rows the sweep did not see.
func (r *Relay) stepResync(ctx context.Context) error {
	job := r.resyncs[0]
	snap, err := beginSnapshot(r.app)
	if err != nil {
		return err
	}
	defs, err := snap.collections([]string{job.CollectionID})
	if err != nil {
		snap.close()
		return err
	}
	c := defs[job.CollectionID]
	var rows []rawRow
	if IsMirrored(c) {
		rows, err = snap.rowsAfter(c, job.LastID, r.cfg.BatchSize)
	}
	seq := snap.maxSeq
	snap.close()
	if err != nil {
		return err
	}
	if err := r.fail("resync-read"); err != nil {
		return err
	}

	tx, err := r.conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	s := pgIdent(r.cfg.Schema)
	rc := newReconciler(tx, r.cfg, r.meta)
	if err := rc.sync(ctx, job.CollectionID, c); err != nil {
		return err
	}
	t := rc.meta[job.CollectionID]
	switch {
	case t == nil: // the collection is gone: nothing to sweep
		if _, err := tx.Exec(ctx, `DELETE FROM `+s+`._resync WHERE collection_id = $1`, job.CollectionID); err != nil {
			return fmt.Errorf("drop resync: %w", err)
		}
	case len(rc.needResync) > 0: // column types changed under the sweep: start over
		if err := scheduleResync(ctx, tx, r.cfg.Schema, job.CollectionID, seq); err != nil {
			return err
		}
	default:
		spec := t.spec()
		if err := upsertRows(ctx, tx, r.cfg.Schema, spec, convertRows(spec, rows), seq, job.Gen); err != nil {
			return err
		}
		if err := upsertSecrets(ctx, tx, r.cfg, spec, rows, seq); err != nil {
			return err
		}
		if err := r.fail("resync-applied"); err != nil {
			return err
		}
		if len(rows) < r.cfg.BatchSize {
			if err := r.finishSweep(ctx, tx, spec, job); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `UPDATE `+s+`._resync SET last_id = $2, rows_done = rows_done + $3
			WHERE collection_id = $1 AND gen = $4`, job.CollectionID, rows[len(rows)-1].id(), len(rows), job.Gen); err != nil {
			return fmt.Errorf("advance resync: %w", err)
		}
	}
	if err := rc.finish(ctx); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE `+s+`._state SET max_seq = GREATEST(max_seq, $1)`, seq); err != nil {
		return fmt.Errorf("update state: %w", err)
	}
	jobs, err := loadResyncs(ctx, tx, r.cfg.Schema)
	if err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit resync chunk: %w", err)
	}
	r.meta, r.resyncs = rc.meta, jobs
	return nil
}

// finishSweep deletes rows the sweep did not visit and that no live event
// touched since it started, then closes the job.
func (r *Relay) finishSweep(ctx context.Context, tx pgx.Tx, spec *tableSpec, job resyncJob) error {
	s := pgIdent(r.cfg.Schema)
	table := s + "." + pgIdent(spec.Name)
	tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE _pb_gen < $1 AND _pb_seq <= $2`, job.Gen, job.StartSeq)
	if err != nil {
		return fmt.Errorf("sweep %s: %w", spec.Name, err)
	}
	if n := tag.RowsAffected(); n > 0 {
		r.log.Info("PostgreSQL mirror: resync removed rows missing in SQLite", "collection", spec.Name, "rows", n)
	}
	if r.cfg.SecretsSchema != "" && spec.Auth {
		if _, err := tx.Exec(ctx, `DELETE FROM `+secretsTable(r.cfg, spec.ID)+` x WHERE x._pb_seq <= $1
			AND NOT EXISTS (SELECT 1 FROM `+table+` t WHERE t.id = x.id)`, job.StartSeq); err != nil {
			return fmt.Errorf("sweep secrets of %s: %w", spec.Name, err)
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM `+s+`._tombstones WHERE collection_id = $1 AND seq <= $2`, spec.ID, job.StartSeq); err != nil {
		return fmt.Errorf("sweep tombstones: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM `+s+`._resync WHERE collection_id = $1 AND gen = $2`, spec.ID, job.Gen); err != nil {
		return fmt.Errorf("close resync: %w", err)
	}
	return nil
}
