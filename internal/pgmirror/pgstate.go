package pgmirror

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgState is the relay's cursor row in PostgreSQL (<schema>._state).
type pgState struct {
	Epoch       string
	AppliedSeq  int64 // every outbox event <= AppliedSeq is applied
	MaxSeq      int64 // highest SQLite sequence any PostgreSQL row was stamped with
	Gen         int64 // last resync generation handed out
	LastEventAt *time.Time
	AppliedAt   *time.Time
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func loadState(ctx context.Context, q querier, schema string) (pgState, bool, error) {
	var st pgState
	err := q.QueryRow(ctx, `SELECT epoch, applied_seq, max_seq, gen, last_event_at, applied_at FROM `+pgIdent(schema)+`._state`).
		Scan(&st.Epoch, &st.AppliedSeq, &st.MaxSeq, &st.Gen, &st.LastEventAt, &st.AppliedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("load mirror state: %w", err)
	}
	return st, true, nil
}

// resyncJob is one row of <schema>._resync: a keyset sweep in progress.
type resyncJob struct {
	CollectionID string
	Gen          int64
	LastID       string
	StartSeq     int64
	RowsDone     int64
	StartedAt    time.Time
}

func loadResyncs(ctx context.Context, tx pgx.Tx, schema string) ([]resyncJob, error) {
	rows, err := tx.Query(ctx, `SELECT collection_id, gen, last_id, start_seq, rows_done, started_at FROM `+pgIdent(schema)+`._resync ORDER BY started_at, collection_id`)
	if err != nil {
		return nil, fmt.Errorf("load resyncs: %w", err)
	}
	defer rows.Close()
	var out []resyncJob
	for rows.Next() {
		var j resyncJob
		if err := rows.Scan(&j.CollectionID, &j.Gen, &j.LastID, &j.StartSeq, &j.RowsDone, &j.StartedAt); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// scheduleResync (re)starts a sweep of one collection from the beginning.
func scheduleResync(ctx context.Context, tx pgx.Tx, schema, collectionID string, startSeq int64) error {
	s := pgIdent(schema)
	_, err := tx.Exec(ctx, `WITH g AS (UPDATE `+s+`._state SET gen = gen + 1 RETURNING gen)
		INSERT INTO `+s+`._resync (collection_id, gen, last_id, start_seq, rows_done, started_at)
		SELECT $1, g.gen, '', $2, 0, now() FROM g
		ON CONFLICT (collection_id) DO UPDATE SET gen = EXCLUDED.gen, last_id = '', start_seq = EXCLUDED.start_seq,
		rows_done = 0, started_at = now()`, collectionID, startSeq)
	if err != nil {
		return fmt.Errorf("schedule resync: %w", err)
	}
	return nil
}
