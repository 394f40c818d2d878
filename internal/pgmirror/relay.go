package pgmirror

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pocketbase/pocketbase/core"
)

// Relay copies committed outbox events into PostgreSQL. Only one relay works on
// a mirror schema at a time (a PostgreSQL advisory lock); Run keeps it going
// across PostgreSQL outages.
type Relay struct {
	app     core.App
	cfg     Config
	log     *slog.Logger
	conn    *pgx.Conn
	meta    pgMeta
	applied int64
	resyncs []resyncJob
	turn    bool
	pruned  time.Time

	// failpoint, set by tests, runs at named points of a step; an error aborts
	// the step as a crash would (the PostgreSQL transaction is rolled back).
	failpoint func(point string) error
}

// NewRelay returns a relay for app (the non-transactional app) and cfg.
func NewRelay(app core.App, cfg Config) (*Relay, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if !cfg.Enabled() {
		return nil, errors.New("pgmirror: PostgreSQL URL not configured")
	}
	return &Relay{app: app, cfg: cfg, log: app.Logger().With("component", "pgmirror")}, nil
}

func (r *Relay) fail(point string) error {
	if r.failpoint == nil {
		return nil
	}
	return r.failpoint(point)
}

// connect opens a PostgreSQL connection with a short connect timeout.
func connect(ctx context.Context, url string) (*pgx.Conn, error) {
	pc, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse PostgreSQL URL: %w", err)
	}
	if pc.ConnectTimeout == 0 || pc.ConnectTimeout > 5*time.Second {
		pc.ConnectTimeout = 5 * time.Second
	}
	pc.RuntimeParams["application_name"] = "sgul-pgmirror"
	if _, ok := pc.RuntimeParams["statement_timeout"]; !ok {
		pc.RuntimeParams["statement_timeout"] = "300000" // 5 min: a hung PostgreSQL must not stall the relay forever
	}
	conn, err := pgx.ConnectConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return conn, nil
}

func lockKey(schema string) string { return "sgul-pgmirror:" + schema }

// Open connects, takes the relay lock, prepares the schema and runs the start
// checks: a fresh mirror, another epoch, a SQLite restore (sequence regression)
// or a gap in the outbox all lead to a full resync.
func (r *Relay) Open(ctx context.Context) error {
	if r.conn != nil {
		return nil
	}
	conn, err := connect(ctx, r.cfg.URL)
	if err != nil {
		return err
	}
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtext($1))`, lockKey(r.cfg.Schema)).Scan(&locked); err != nil {
		conn.Close(ctx)
		return fmt.Errorf("take relay lock: %w", err)
	}
	if !locked {
		conn.Close(ctx)
		return errLocked
	}
	r.conn = conn
	if err := r.startup(ctx); err != nil {
		r.Close()
		return err
	}
	return nil
}

// Close releases the relay lock and drops the connection. The explicit
// unlock matters: PostgreSQL frees session locks only when the backend
// process exits, which happens some time after the client hangs up.
func (r *Relay) Close() {
	if r.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if !r.conn.IsClosed() {
			_, _ = r.conn.Exec(ctx, `SELECT pg_advisory_unlock_all()`)
		}
		_ = r.conn.Close(ctx)
		cancel()
		r.conn = nil
	}
	r.meta, r.resyncs = nil, nil
}

func (r *Relay) startup(ctx context.Context) error {
	if err := ensurePGSchema(ctx, r.conn, r.cfg); err != nil {
		return err
	}
	if err := ensureOutbox(r.app.NonconcurrentDB()); err != nil {
		return err
	}
	lite, err := readSQLiteState(r.app.DB())
	if err != nil {
		return err
	}
	pst, found, err := loadState(ctx, r.conn, r.cfg.Schema)
	if err != nil {
		return err
	}
	reason := ""
	switch {
	case !found:
		reason = "empty mirror"
	case pst.Epoch != lite.Epoch:
		reason = "the SQLite database changed (epoch " + pst.Epoch + " -> " + lite.Epoch + ")"
	case lite.MaxSeq < pst.MaxSeq:
		reason = fmt.Sprintf("SQLite restore detected (outbox sequence %d < %d already mirrored)", lite.MaxSeq, pst.MaxSeq)
	default:
		first, err := firstSeqAfter(r.app.DB(), pst.AppliedSeq)
		if err != nil {
			return fmt.Errorf("check outbox gap: %w", err)
		}
		if (first != 0 && first != pst.AppliedSeq+1) || (first == 0 && lite.MaxSeq > pst.AppliedSeq) {
			reason = fmt.Sprintf("outbox gap after %d (PostgreSQL restored or cursor lost)", pst.AppliedSeq)
		}
	}
	if reason != "" {
		if err := r.fullResync(ctx, reason, lite, pst); err != nil {
			return err
		}
	}
	return r.load(ctx, true)
}

// load reads the cursor, table metadata and pending resyncs from PostgreSQL;
// with check it also reconciles every collection and schedules a resync of
// tables that went missing.
func (r *Relay) load(ctx context.Context, check bool) error {
	tx, err := r.conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	pst, _, err := loadState(ctx, tx, r.cfg.Schema)
	if err != nil {
		return err
	}
	meta, err := loadMeta(ctx, tx, r.cfg.Schema)
	if err != nil {
		return err
	}
	if check {
		if meta, err = r.checkTables(ctx, tx, meta, pst.AppliedSeq); err != nil {
			return err
		}
	}
	jobs, err := loadResyncs(ctx, tx, r.cfg.Schema)
	if err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit start checks: %w", err)
	}
	r.applied, r.meta, r.resyncs = pst.AppliedSeq, meta, jobs
	return nil
}

// checkTables is the PostgreSQL side of the doctor: it archives tables of
// collections that no longer exist, aligns changed definitions and resyncs
// tables that were dropped by hand.
func (r *Relay) checkTables(ctx context.Context, tx pgx.Tx, meta pgMeta, applied int64) (pgMeta, error) {
	snap, err := beginSnapshot(r.app)
	if err != nil {
		return nil, err
	}
	defs, err := snap.collections(nil)
	snap.close()
	if err != nil {
		return nil, err
	}
	for id, t := range meta {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, pgIdent(r.cfg.Schema)+"."+pgIdent(t.Name)).Scan(&exists); err != nil {
			return nil, err
		}
		if !exists {
			r.log.Warn("mirror table missing; it will be resynced", "table", t.Name)
			if _, err := tx.Exec(ctx, `DELETE FROM `+pgIdent(r.cfg.Schema)+`._collections WHERE id = $1`, id); err != nil {
				return nil, err
			}
			delete(meta, id)
			if err := scheduleResync(ctx, tx, r.cfg.Schema, id, applied); err != nil {
				return nil, err
			}
		}
	}
	rc := newReconciler(tx, r.cfg, meta)
	ids := make([]string, 0, len(meta)+len(defs))
	for id := range meta {
		ids = append(ids, id)
	}
	for id, c := range defs {
		if IsMirrored(c) && meta[id] != nil {
			continue
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		created := meta[id] == nil
		if err := rc.sync(ctx, id, defs[id]); err != nil {
			return nil, err
		}
		if created && rc.meta[id] != nil { // a table PostgreSQL never had: copy its rows
			rc.needResync = append(rc.needResync, id)
		}
	}
	for _, id := range rc.needResync {
		if err := scheduleResync(ctx, tx, r.cfg.Schema, id, applied); err != nil {
			return nil, err
		}
	}
	if err := rc.finish(ctx); err != nil {
		return nil, err
	}
	if err := ensureViews(ctx, tx, r.cfg.Schema); err != nil {
		return nil, err
	}
	return rc.meta, nil
}

// fullResync moves the SQLite sequence past everything PostgreSQL has seen,
// restarts the cursor at the current sequence and schedules a sweep of every
// mirrored collection. Rows PostgreSQL has but SQLite lacks are removed at the
// end of each sweep.
func (r *Relay) fullResync(ctx context.Context, reason string, lite sqliteState, pst pgState) error {
	r.log.Warn("PostgreSQL mirror: full resync", "reason", reason)
	if pst.MaxSeq > 0 {
		if err := r.app.RunInTransaction(func(tx core.App) error {
			return bumpSeq(tx.NonconcurrentDB(), pst.MaxSeq+1)
		}); err != nil {
			return err
		}
	}
	snap, err := beginSnapshot(r.app)
	if err != nil {
		return err
	}
	defs, err := snap.collections(nil)
	var params []rawRow
	if err == nil && r.cfg.SecretsSchema != "" {
		params, err = snap.params()
	}
	start := snap.maxSeq
	snap.close()
	if err != nil {
		return err
	}
	tx, err := r.conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	s := pgIdent(r.cfg.Schema)
	if _, err := tx.Exec(ctx, `INSERT INTO `+s+`._state (id, epoch, applied_seq, max_seq) VALUES (1, $1, $2, $2)
		ON CONFLICT (id) DO UPDATE SET epoch = EXCLUDED.epoch, applied_seq = EXCLUDED.applied_seq,
		max_seq = GREATEST(`+s+`._state.max_seq, EXCLUDED.max_seq), applied_at = now()`, lite.Epoch, start); err != nil {
		return fmt.Errorf("reset mirror state: %w", err)
	}
	for _, q := range []string{`DELETE FROM ` + s + `._resync`, `DELETE FROM ` + s + `._tombstones`} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("reset mirror state: %w", err)
		}
	}
	if err := saveParams(ctx, tx, r.cfg, params); err != nil {
		return err
	}
	ids := make([]string, 0, len(defs))
	for id, c := range defs {
		if IsMirrored(c) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := scheduleResync(ctx, tx, r.cfg.Schema, id, start); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit full resync: %w", err)
	}
	return nil
}

// Step does one unit of work: an outbox batch or a resync chunk (alternating
// when both are pending), or records that an idle outbox is fully applied.
// It reports whether there may be more work.
func (r *Relay) Step(ctx context.Context) (bool, error) {
	if r.conn == nil {
		if err := r.Open(ctx); err != nil {
			return false, err
		}
	}
	r.turn = !r.turn
	if len(r.resyncs) > 0 && r.turn {
		return true, r.stepResync(ctx)
	}
	did, err := r.stepOutbox(ctx)
	if err != nil || did {
		return did, err
	}
	if len(r.resyncs) > 0 {
		return true, r.stepResync(ctx)
	}
	return false, nil
}

// Run steps until ctx is done, reconnecting with backoff when PostgreSQL is
// unreachable. SQLite writes never wait for it.
func (r *Relay) Run(ctx context.Context) {
	defer r.Close()
	backoff := time.Second
	var lastErr string
	for ctx.Err() == nil {
		more, err := r.Step(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if msg := err.Error(); msg != lastErr {
				if errors.Is(err, errLocked) {
					r.log.Info("PostgreSQL mirror: another relay holds the lock; waiting")
				} else {
					r.log.Error("PostgreSQL mirror: relay error; retrying", "error", err)
				}
				lastErr = msg
			}
			r.Close()
			sleep(ctx, backoff)
			backoff = min(backoff*2, 30*time.Second)
			continue
		}
		if lastErr != "" {
			r.log.Info("PostgreSQL mirror: relay working again")
			lastErr = ""
		}
		backoff = time.Second
		if !more {
			r.prune()
			sleep(ctx, r.cfg.PollInterval)
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Drain steps until the outbox is applied and no resync is pending. progress,
// if not nil, is called after every step.
func (r *Relay) Drain(ctx context.Context, progress func(applied int64, resyncs []resyncJob)) error {
	for {
		more, err := r.Step(ctx)
		if err != nil {
			return err
		}
		if progress != nil {
			progress(r.applied, r.resyncs)
		}
		if !more {
			return nil
		}
	}
}

// prune removes applied outbox rows (at most once every 10 s) and old tombstones.
func (r *Relay) prune() {
	if time.Since(r.pruned) < 10*time.Second || r.conn == nil {
		return
	}
	r.pruned = time.Now()
	for i := 0; i < 20; i++ {
		n, err := pruneOutbox(r.app.NonconcurrentDB(), r.applied)
		if err != nil {
			r.log.Warn("PostgreSQL mirror: prune outbox", "error", err)
			return
		}
		if n == 0 {
			break
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := r.conn.Exec(ctx, `DELETE FROM `+pgIdent(r.cfg.Schema)+`._tombstones WHERE at < now() - interval '1 day'`); err != nil {
		r.log.Warn("PostgreSQL mirror: prune tombstones", "error", err)
	}
}
