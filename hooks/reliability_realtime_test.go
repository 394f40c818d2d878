package hooks_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// rlEvent is one realtime message: the topic it came on and the record it carries.
type rlEvent struct {
	topic, action, coll, id string
}

// rlSubscriber is one open realtime (SSE) connection.
type rlSubscriber struct {
	actor  string
	mu     sync.Mutex
	events []rlEvent
}

func (s *rlSubscriber) got() []rlEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]rlEvent(nil), s.events...)
}

// subscribe opens GET /api/realtime, then subscribes with actor's token (the token of
// the subscription request is what PocketBase checks) to topics.
func (c *rlClient) subscribe(t *testing.T, ctx context.Context, actor string, topics []string) *rlSubscriber {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &rlSubscriber{actor: actor}
	connected := make(chan string, 1)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		var topic string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				topic = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				data := strings.TrimSpace(strings.TrimPrefix(line, "data:"))
				if topic == "PB_CONNECT" {
					var c struct{ ClientId string }
					_ = json.Unmarshal([]byte(data), &c)
					connected <- c.ClientId
					continue
				}
				var msg struct {
					Action string `json:"action"`
					Record struct {
						ID             string `json:"id"`
						CollectionName string `json:"collectionName"`
					} `json:"record"`
				}
				_ = json.Unmarshal([]byte(data), &msg)
				s.mu.Lock()
				s.events = append(s.events, rlEvent{topic, msg.Action, msg.Record.CollectionName, msg.Record.ID})
				s.mu.Unlock()
			}
		}
	}()
	var clientID string
	select {
	case clientID = <-connected:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no PB_CONNECT", actor)
	}
	raw, _ := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": topics})
	sub, _ := http.NewRequest(http.MethodPost, c.base+"/api/realtime", bytes.NewReader(raw))
	sub.Header.Set("Content-Type", "application/json")
	for k, v := range c.f.Auth(actor) {
		sub.Header.Set(k, v)
	}
	sres, err := http.DefaultClient.Do(sub)
	if err != nil {
		t.Fatal(err)
	}
	sres.Body.Close()
	if sres.StatusCode != http.StatusNoContent {
		t.Fatalf("%s: subscription answered %d", actor, sres.StatusCode)
	}
	return s
}

// TestMatrixRealtime: every actor subscribes to every collection ("coll/*", checked
// against the list rule) and to the target record of each ("coll/ID", the view rule).
// Every target is then updated, and records are created and deleted through the API in
// both sedes. Each actor must receive exactly the events of the records it may view:
// the target's update iff the matrix says so, and nothing else it may not read.
func TestMatrixRealtime(t *testing.T) {
	m := newMatrixApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var topics []string
	for _, coll := range m.survey.names {
		topics = append(topics, coll+"/*", coll+"/"+m.targets[coll])
	}
	subs := map[string]*rlSubscriber{}
	for _, actor := range actors {
		subs[actor] = m.subscribe(t, ctx, actor, topics)
	}

	// update every target (with the record hooks, so derived writes broadcast too)
	var direct []string
	for _, coll := range m.survey.names {
		r, err := m.app.FindRecordById(coll, m.targets[coll])
		if err != nil {
			t.Fatalf("target of %s: %v", coll, err)
		}
		if err := m.app.SaveNoValidate(r); err != nil {
			// a guard refuses a no-op save (e.g. a reviewed voucher): broadcast the
			// update the way PocketBase does after a commit
			direct = append(direct, coll)
			err = m.app.OnModelAfterUpdateSuccess().Trigger(&core.ModelEvent{App: m.app, Context: ctx, Model: r, Type: core.ModelEventTypeUpdate},
				func(e *core.ModelEvent) error { return nil })
			if err != nil {
				t.Fatalf("broadcast %s: %v", coll, err)
			}
		}
	}
	if len(direct) > 0 {
		t.Logf("updates broadcast without a save (a guard refuses no-op saves): %v", direct)
	}
	// writes through the API in both sedes: a pago and a nota in A, a lead and a manual
	// ingreso in B, and the delete of that ingreso
	em := emFixture(t)
	deleted := "" // the sede-B ingreso created and deleted by finanzasB
	for _, w := range []struct {
		actor, method, path string
		body                any
	}{
		{"finanzas", "POST", "/api/collections/pagos/records", obj{"matricula": m.w.Matricula1, "cuota": em.CuotaMat1, "monto": 30, "medio_pago": m.w.Efectivo}},
		{"docente", "POST", "/api/collections/notas/records", obj{"matricula": m.w.Matricula1, "malla": m.w.MallaCarrera2, "tipo": "Práctica", "nota": 12}},
		{"ventasB", "POST", "/api/collections/leads/records", obj{"nombre_completo": "Carla Ticona", "telefono": "987111222", "genero": "Femenino",
			"asesor": m.w.Users["ventasB"], "medio_contacto": m.w.Facebook, "intereses": []string{m.w.Curso}, "sede": m.w.SedeB}},
		{"finanzasB", "POST", "/api/collections/ingresos/records", obj{"sede": m.w.SedeB, "concepto": "Venta", "monto": 5, "fecha": "2026-03-04 12:00:00.000Z"}},
	} {
		r := m.do(w.actor, w.method, w.path, w.body, nil)
		if r.Status != 200 {
			t.Fatalf("%s %s: %d %s", w.actor, w.path, r.Status, r.Raw)
		}
		if strings.Contains(w.path, "ingresos") {
			id, _ := r.JSON()["id"].(string)
			deleted = id
			if d := m.do(w.actor, "DELETE", w.path+"/"+id, nil, nil); d.Status != 204 {
				t.Fatalf("delete ingreso: %d %s", d.Status, d.Raw)
			}
		}
	}

	// wait until the superuser has everything (it receives every event), then a little more
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		seen := map[string]bool{}
		for _, e := range subs["superuser"].got() {
			seen[e.coll+"/"+e.id] = true
		}
		all := true
		for _, coll := range m.survey.names {
			all = all && seen[coll+"/"+m.targets[coll]]
		}
		if all {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second)

	cells, received := 0, 0
	for _, actor := range actors {
		evs := subs[actor].got()
		received += len(evs)
		byTarget := map[string]bool{}
		for _, e := range evs {
			byTarget[e.coll+"/"+e.id] = true
			// nothing it may not read, whatever the record
			if e.coll == "ingresos" && e.id == deleted {
				if actor != "finanzasB" && actor != "admin" && actor != "superuser" {
					t.Errorf("realtime: LEAK, %s received %s of sede B's ingreso %s", actor, e.action, e.id)
				}
				continue
			}
			r, err := m.app.FindRecordById(e.coll, e.id)
			if err != nil {
				t.Errorf("realtime: %s received %s of unknown %s/%s", actor, e.action, e.coll, e.id)
				continue
			}
			if !m.maySee(r, actor) {
				t.Errorf("realtime: LEAK, %s received %s of %s/%s on %s", actor, e.action, e.coll, e.id, e.topic)
			}
		}
		for _, coll := range m.survey.names {
			cells++
			want := m.mayRead(coll, actor)
			if got := byTarget[coll+"/"+m.targets[coll]]; got != want {
				t.Errorf("realtime %s as %s: received the update = %v, want %v", coll, actor, got, want)
			}
		}
	}
	t.Logf("%d realtime cells (%d collections x %d actors), %d events received", cells, len(m.survey.names), len(actors), received)
}

// maySee applies the read matrix to any record.
func (m *rlMatrixApp) maySee(r *core.Record, actor string) bool {
	row, ok := m.reads[r.Collection().Name]
	switch {
	case actor == "superuser":
		return true
	case !ok || row.superuserOnly:
		return false
	}
	p := row.sees[actor]
	return p != nil && p(m.app, r)
}
