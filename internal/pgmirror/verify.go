package pgmirror

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pocketbase/pocketbase/core"
)

// VerifyOptions tunes Verify.
type VerifyOptions struct {
	Collection string        // name or id; empty = every mirrored collection
	Repair     bool          // resync the collections that differ, then check again
	Wait       time.Duration // how long to wait for a quiet, caught-up moment (default 2 min)
	Progress   io.Writer     // progress lines; nil = silent
}

// CollectionCheck is the verify result of one collection.
type CollectionCheck struct {
	Name        string
	SQLiteCount int64
	PGCount     int64
	SQLiteHash  string
	PGHash      string
	Equal       bool
	Note        string
}

// VerifyReport is the result of Verify. OK is true only if every collection matched.
type VerifyReport struct {
	Seq         int64
	Collections []CollectionCheck
	Repaired    []string
	OK          bool
}

var errNotQuiet = errors.New("the mirror did not reach a quiet, caught-up moment in time; retry when writes pause")

// Verify compares every mirrored collection in SQLite and PostgreSQL: row
// counts plus an order-independent hash of the canonical rows (a sum of
// per-row FNV-64 hashes). Both sides are read at the same outbox sequence: when
// no other process relays, Verify applies the outbox itself first; otherwise it
// waits for the running relay to catch up.
func Verify(ctx context.Context, app core.App, cfg Config, opts VerifyOptions) (*VerifyReport, error) {
	r, err := NewRelay(app, cfg)
	if err != nil {
		return nil, err
	}
	own := true
	if err := r.Open(ctx); errors.Is(err, errLocked) {
		own = false
	} else if err != nil {
		return nil, err
	}
	defer r.Close()
	rep, err := r.verifyOnce(ctx, own, opts)
	if err != nil || rep.OK || !opts.Repair {
		return rep, err
	}
	for _, c := range rep.Collections {
		if c.Equal {
			continue
		}
		if err := EnqueueResync(app, c.Name); err != nil {
			return rep, err
		}
		rep.Repaired = append(rep.Repaired, c.Name)
	}
	progressf(opts.Progress, "repair: resync of %s queued\n", strings.Join(rep.Repaired, ", "))
	again, err := r.verifyOnce(ctx, own, opts)
	if again != nil {
		again.Repaired = rep.Repaired
	}
	return again, err
}

func progressf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format, args...)
	}
}

func (r *Relay) verifyOnce(ctx context.Context, own bool, opts VerifyOptions) (*VerifyReport, error) {
	wait := opts.Wait
	if wait <= 0 {
		wait = 2 * time.Minute
	}
	deadline := time.Now().Add(wait)
	conn := r.conn
	if !own {
		c, err := connect(ctx, r.cfg.URL)
		if err != nil {
			return nil, err
		}
		defer c.Close(context.Background())
		conn = c
	}
	for attempt := 0; time.Now().Before(deadline); attempt++ {
		if own {
			if err := r.Drain(ctx, nil); err != nil {
				return nil, err
			}
		} else if attempt > 0 {
			sleep(ctx, 250*time.Millisecond)
		}
		rep, err := r.compare(ctx, conn, opts)
		if errors.Is(err, errNotQuiet) {
			continue
		}
		return rep, err
	}
	return nil, errNotQuiet
}

// compare reads SQLite and PostgreSQL at one sequence, or returns errNotQuiet.
func (r *Relay) compare(ctx context.Context, conn *pgx.Conn, opts VerifyOptions) (*VerifyReport, error) {
	snap, err := beginSnapshot(r.app)
	if err != nil {
		return nil, err
	}
	defer snap.close()
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	pst, found, err := loadState(ctx, tx, r.cfg.Schema)
	if err != nil {
		return nil, err
	}
	var pending int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+pgIdent(r.cfg.Schema)+`._resync`).Scan(&pending); err != nil {
		return nil, err
	}
	if !found || pst.AppliedSeq != snap.maxSeq || pending > 0 {
		return nil, errNotQuiet
	}
	meta, err := loadMeta(ctx, tx, r.cfg.Schema)
	if err != nil {
		return nil, err
	}
	defs, err := snap.collections(nil)
	if err != nil {
		return nil, err
	}
	var list []*core.Collection
	for _, c := range defs {
		if IsMirrored(c) && (opts.Collection == "" || opts.Collection == c.Name || opts.Collection == c.Id) {
			list = append(list, c)
		}
	}
	if opts.Collection != "" && len(list) == 0 {
		return nil, fmt.Errorf("collection %q is not mirrored", opts.Collection)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	rep := &VerifyReport{Seq: snap.maxSeq, OK: true}
	for _, c := range list {
		chk, err := checkCollection(ctx, snap, tx, r.cfg.Schema, c, meta[c.Id])
		if err != nil {
			return nil, err
		}
		rep.OK = rep.OK && chk.Equal
		reportCheck(opts.Progress, chk)
		rep.Collections = append(rep.Collections, chk)
	}
	return rep, nil
}

// checkCollection compares one collection of a SQLite snapshot with its table.
func checkCollection(ctx context.Context, snap *snapshot, tx pgx.Tx, schema string, c *core.Collection, t *pgTable) (CollectionCheck, error) {
	chk := CollectionCheck{Name: c.Name}
	spec := specOf(c)
	count, lh, err := hashSQLite(snap, c, spec)
	if err != nil {
		return chk, err
	}
	chk.SQLiteCount, chk.SQLiteHash = count, strconv.FormatUint(lh, 16)
	switch {
	case t == nil:
		chk.Note = "table missing in PostgreSQL"
	case !sameColumns(t, spec):
		chk.Note = "columns differ"
	default:
		count, ph, err := hashPG(ctx, tx, schema, spec)
		if err != nil {
			return chk, err
		}
		chk.PGCount, chk.PGHash = count, strconv.FormatUint(ph, 16)
		chk.Equal = chk.SQLiteCount == chk.PGCount && lh == ph
	}
	return chk, nil
}

func reportCheck(w io.Writer, chk CollectionCheck) {
	state := "ok"
	if !chk.Equal {
		state = "DIFFERENT " + chk.Note
	}
	progressf(w, "%-28s sqlite=%-9d postgres=%-9d %s\n", chk.Name, chk.SQLiteCount, chk.PGCount, state)
}

func sameColumns(t *pgTable, spec *tableSpec) bool {
	if t.Name != spec.Name || len(t.Columns) != len(spec.Columns) {
		return false
	}
	have := map[string]column{}
	for _, c := range t.Columns {
		have[c.FieldID] = c
	}
	for _, c := range spec.Columns {
		if h, ok := have[c.FieldID]; !ok || h.Name != c.Name || h.PGType != c.PGType {
			return false
		}
	}
	return true
}

func rowHash(id string, spec *tableSpec, vals []any) uint64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, id)
	for i, c := range spec.Columns {
		_, _ = io.WriteString(h, "\x1f"+canon(c, vals[i]))
	}
	return h.Sum64()
}

func hashSQLite(snap *snapshot, c *core.Collection, spec *tableSpec) (count int64, sum uint64, err error) {
	last := ""
	for {
		rows, err := snap.rowsAfter(c, last, 2000)
		if err != nil {
			return 0, 0, err
		}
		for _, row := range convertRows(spec, rows) {
			sum += rowHash(row.ID, spec, row.Vals)
			count++
		}
		if len(rows) < 2000 {
			return count, sum, nil
		}
		last = rows[len(rows)-1].id()
	}
}

func hashPG(ctx context.Context, tx pgx.Tx, schema string, spec *tableSpec) (count int64, sum uint64, err error) {
	sel := []string{"id"}
	for _, c := range spec.Columns {
		sel = append(sel, pgSelect(c))
	}
	rows, err := tx.Query(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+pgIdent(schema)+`.`+pgIdent(spec.Name))
	if err != nil {
		return 0, 0, fmt.Errorf("read %s: %w", spec.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return 0, 0, err
		}
		sum += rowHash(toString(vals[0]), spec, vals[1:])
		count++
	}
	return count, sum, rows.Err()
}
