package pgmirror

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// TestFailedCaptureRollsBackWrite injects a failure into the capture (a trigger
// on the outbox that raises): the record write must fail and leave nothing.
func TestFailedCaptureRollsBackWrite(t *testing.T) {
	app := mirroredApp(t, Config{URL: "postgres://unused", Schema: "unused"})
	sedes, items, _ := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Ica"})
	before := outboxCount(t, app)

	_, err := app.DB().NewQuery(`CREATE TRIGGER test_fail_capture BEFORE INSERT ON ` + outboxTable + ` BEGIN SELECT RAISE(ABORT, 'injected capture failure'); END`).Execute()
	must(t, err)

	rec := core.NewRecord(items)
	rec.Set("title", "doomed")
	rec.Set("sede", sede.Id)
	if err := app.Save(rec); err == nil {
		t.Fatal("save succeeded although the capture failed")
	}
	if n, _ := app.CountRecords("items"); n != 0 {
		t.Fatalf("%d items persisted after a failed capture", n)
	}
	h := apiServer(t, app)
	apiCall(t, h, "POST", "/api/collections/items/records", `{"title":"api doomed"}`, jsonHeader, 400)
	apiCall(t, h, "DELETE", "/api/collections/sedes/records/"+sede.Id, ``, nil, 400)
	if n, _ := app.CountRecords("sedes"); n != 1 {
		t.Fatalf("sede delete went through without capture: %d sedes", n)
	}
	if got := outboxCount(t, app); got != before {
		t.Fatalf("outbox changed: %d -> %d", before, got)
	}
}

// TestFailedWriteLeavesNoEvent checks that writes which fail (unique
// violation, a failing batch) leave no outbox row.
func TestFailedWriteLeavesNoEvent(t *testing.T) {
	app := mirroredApp(t, Config{URL: "postgres://unused", Schema: "unused"})
	sedes, items, _ := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Puno"})
	it := newItem(t, app, items, "first", 1, sede.Id)
	before := outboxCount(t, app)

	dup := core.NewRecord(items)
	dup.Id = it.Id
	dup.Set("title", "duplicate id")
	if err := app.Save(dup); err == nil {
		t.Fatal("duplicate id saved")
	}
	if _, err := app.DB().NewQuery(`INSERT INTO items (id, title) VALUES ('` + it.Id + `', 'raw duplicate')`).Execute(); err == nil {
		t.Fatal("raw duplicate inserted")
	}
	// a batch whose last request fails rolls back the first two, and their events
	s := app.Settings()
	s.Batch.Enabled, s.Batch.MaxRequests = true, 10
	must(t, app.Save(s))
	before = outboxCount(t, app)
	h := apiServer(t, app)
	apiCall(t, h, "POST", "/api/batch", `{"requests":[
		{"method":"POST","url":"/api/collections/items/records","body":{"title":"b1"}},
		{"method":"PATCH","url":"/api/collections/items/records/`+it.Id+`","body":{"title":"changed"}},
		{"method":"POST","url":"/api/collections/items/records","body":{"id":"`+it.Id+`","title":"dup"}}]}`, jsonHeader, 400)
	if got := outboxCount(t, app); got != before {
		t.Fatalf("failed writes left %d outbox rows", got-before)
	}
	if n, _ := app.CountRecords("items"); n != 1 {
		t.Fatalf("items = %d after failed batch", n)
	}
}
