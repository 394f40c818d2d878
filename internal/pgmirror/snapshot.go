package pgmirror

import (
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// rawRow is one SQLite record row, column name -> driver value.
type rawRow map[string]any

func (r rawRow) id() string { return toString(r[core.FieldNameId]) }

// snapshot is a short SQLite read transaction: in WAL mode every read in it sees
// the same committed state, whose last outbox sequence is maxSeq.
type snapshot struct {
	tx     *dbx.Tx
	maxSeq int64
}

func beginSnapshot(app core.App) (*snapshot, error) {
	db, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok {
		return nil, errors.New("pgmirror: the relay needs the non-transactional app")
	}
	tx, err := db.Begin()
	if err != nil {
		return nil, fmt.Errorf("begin SQLite read: %w", err)
	}
	seq, err := maxSeq(tx)
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return &snapshot{tx: tx, maxSeq: seq}, nil
}

func (s *snapshot) close() { _ = s.tx.Rollback() }

// collections loads collection definitions by id (all when ids is nil).
func (s *snapshot) collections(ids []string) (map[string]*core.Collection, error) {
	q := s.tx.Select("*").From("_collections")
	if ids != nil {
		if len(ids) == 0 {
			return map[string]*core.Collection{}, nil
		}
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		q = q.Where(dbx.In("id", args...))
	}
	var list []*core.Collection
	if err := q.All(&list); err != nil {
		return nil, fmt.Errorf("read collections: %w", err)
	}
	out := make(map[string]*core.Collection, len(list))
	for _, c := range list {
		out[c.Id] = c
	}
	return out, nil
}

// rowsByID reads the current rows of the given ids; missing ids are deleted rows.
func (s *snapshot) rowsByID(c *core.Collection, ids []string) (map[string]rawRow, error) {
	out := make(map[string]rawRow, len(ids))
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		args := make([]any, 0, end-start)
		for _, id := range ids[start:end] {
			args = append(args, id)
		}
		rows, err := scanRows(s.tx.Select("*").From(c.Name).Where(dbx.In("id", args...)))
		if err != nil {
			return nil, fmt.Errorf("read %s rows: %w", c.Name, err)
		}
		for _, r := range rows {
			out[r.id()] = r
		}
	}
	return out, nil
}

// rowsAfter reads one keyset chunk ordered by id.
func (s *snapshot) rowsAfter(c *core.Collection, lastID string, limit int) ([]rawRow, error) {
	rows, err := scanRows(s.tx.Select("*").From(c.Name).
		Where(dbx.NewExp("[[id]] > {:last}", dbx.Params{"last": lastID})).OrderBy("id").Limit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("read %s chunk: %w", c.Name, err)
	}
	return rows, nil
}

func scanRows(q *dbx.SelectQuery) ([]rawRow, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []rawRow
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make(rawRow, len(cols))
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// params reads the app settings rows (for the secrets schema).
func (s *snapshot) params() ([]rawRow, error) {
	return scanRows(s.tx.Select("id", "value").From("_params"))
}
