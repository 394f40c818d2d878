package reliability

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// Demo logins (internal/demo): the load signs in with them.
const (
	demoPassword = "demo12345"
	demoDomain   = "@demo.sgul.pe"
)

// Options configure a run. The zero value of every field but Bin takes the default
// shown next to it.
type Options struct {
	Bin           string        // the sgul binary to run (required)
	Dir           string        // data directory; "" = a new temporary one with the demo loaded
	Clients       int           // concurrent clients (200)
	Duration      time.Duration // how long the clients run (30s)
	Kills         int           // SIGKILLs spread evenly over the run, each followed by a restart (1; -1 = none)
	Leads         int           // demo leads (150)
	Students      int           // demo students (20)
	MailRate      int           // campaign messages per minute (0 = sized so the campaign outlasts the first kill)
	SettleTimeout time.Duration // how long queued jobs may take after the load (3m; the server runs with --job-lease 20s)
	Seed          uint64        // random seed of the clients (time-based when 0)
	Log           io.Writer     // progress and the server's log (nil = discarded)
}

func (o *Options) defaults() {
	if o.Clients <= 0 {
		o.Clients = 200
	}
	if o.Duration <= 0 {
		o.Duration = 30 * time.Second
	}
	if o.Kills == 0 {
		o.Kills = 1
	}
	if o.Kills < 0 {
		o.Kills = 0
	}
	if o.Leads <= 0 {
		o.Leads = 150
	}
	if o.Students <= 0 {
		o.Students = 20
	}
	if o.SettleTimeout <= 0 {
		o.SettleTimeout = 3 * time.Minute
	}
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano())
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// Report is what a run did and found.
type Report struct {
	Options    Options
	DataDir    string
	Requests   int64
	Actions    []ActionStats
	Kills      []KillEvent
	Issues     []string // contract breaks the clients saw (5xx, an idempotency key answered with two records)
	Check      *Check   // invariants read from the data directory afterwards
	Mail       MailCheck
	LoadTime   time.Duration // the clients' run
	SettleTime time.Duration // until every queued job had finished
}

// ActionStats are the answers one kind of request got.
type ActionStats struct {
	Name                            string
	OK, Refused, ServerErrors, Down int64 // 2xx, 4xx (business refusals), 5xx, no answer (server down)
	Mean, Max                       time.Duration
}

// KillEvent is one SIGKILL and what was in flight.
type KillEvent struct {
	At, Down                   time.Duration // since the load started; until healthy again
	CampaignSent, CampaignSize int64         // envíos sent / recipients when killed
	JobsRunning, ReportsOpen   int64         // jobs claimed, reports not finished when killed
}

// MailCheck compares the campaign's envíos and the welcome-mail jobs with what the SMTP
// sink received.
type MailCheck struct {
	Envios, Enviados    int // campaign recipients, marked sent
	Delivered           int // campaign messages the sink received
	Duplicates          int // recipients who received a message more than once
	Uncertain           int // envíos cut by a kill after the hand-over to SMTP: delivered, flagged fallido, not resent
	Welcome, WelcomeJob int // welcome mails received, welcome jobs done
	Violations          []string
}

// OK reports whether the run found nothing wrong.
func (r *Report) OK() bool {
	if r.Check == nil || !r.Check.OK() || len(r.Issues) > 0 || len(r.Mail.Violations) > 0 {
		return false
	}
	for _, a := range r.Actions {
		if a.ServerErrors > 0 {
			return false
		}
	}
	return true
}

// Text renders the report for people (docs/reliability.md quotes it).
func (r *Report) Text() string {
	var b strings.Builder
	o := r.Options
	fmt.Fprintf(&b, "clients %d, load %s, kills %d, requests %d (%.0f/s), settle %s\n",
		o.Clients, r.LoadTime.Round(time.Second), len(r.Kills), r.Requests, float64(r.Requests)/r.LoadTime.Seconds(), r.SettleTime.Round(time.Second))
	fmt.Fprintf(&b, "%-28s %7s %7s %5s %6s %8s %8s\n", "action", "ok", "4xx", "5xx", "down", "mean", "max")
	for _, a := range r.Actions {
		fmt.Fprintf(&b, "%-28s %7d %7d %5d %6d %8s %8s\n", a.Name, a.OK, a.Refused, a.ServerErrors, a.Down,
			a.Mean.Round(time.Millisecond), a.Max.Round(time.Millisecond))
	}
	for i, k := range r.Kills {
		fmt.Fprintf(&b, "kill %d at %s: down %s; campaign %d/%d sent, %d jobs running, %d reports open\n",
			i+1, k.At.Round(100*time.Millisecond), k.Down.Round(100*time.Millisecond), k.CampaignSent, k.CampaignSize, k.JobsRunning, k.ReportsOpen)
	}
	m := r.Mail
	fmt.Fprintf(&b, "mail: campaign %d envíos, %d marked sent, %d received (%d cut by a kill, flagged, not resent), %d recipients twice; welcome %d received for %d jobs\n",
		m.Envios, m.Enviados, m.Delivered, m.Uncertain, m.Duplicates, m.Welcome, m.WelcomeJob)
	for _, v := range m.Violations {
		fmt.Fprintf(&b, "  MAIL %s\n", v)
	}
	for _, v := range r.Issues {
		fmt.Fprintf(&b, "  CLIENT %s\n", v)
	}
	if r.Check != nil {
		b.WriteString("invariants:\n" + r.Check.Summary())
	}
	return b.String()
}

// Run loads a demo institute, serves it with the sgul binary, runs the clients for the
// duration while killing and restarting the server, waits for the queued jobs, stops the
// server and checks the data directory and the mail sink.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.defaults()
	if o.Bin == "" {
		return nil, errors.New("reliability: Options.Bin is required")
	}
	rep := &Report{Options: o}
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, "[carga] "+format+"\n", args...) }
	if o.Dir == "" {
		dir, err := os.MkdirTemp("", "sgul_carga_*")
		if err != nil {
			return nil, err
		}
		o.Dir = dir
	}
	rep.DataDir = o.Dir
	logf("demo en %s (%d leads, %d alumnos)", o.Dir, o.Leads, o.Students)
	if err := LoadDemo(ctx, o.Bin, o.Dir, o.Leads, o.Students, o.Log); err != nil {
		return nil, err
	}
	db, err := OpenData(o.Dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	sede, recipients, err := campaignAudience(db)
	if err != nil {
		return nil, err
	}
	killEvery := o.Duration / time.Duration(o.Kills+1)
	rate := o.MailRate
	if rate == 0 { // the campaign must still be sending at the first kill
		rate = max(30, int(float64(recipients)*60/(1.6*killEvery.Seconds())))
	}
	sink, err := StartSink()
	if err != nil {
		return nil, err
	}
	defer sink.Close()
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	// a job killed mid-run is retried once its lease runs out: 20 s instead of 2 minutes
	srv := &Server{Bin: o.Bin, Dir: o.Dir, Addr: addr, Args: []string{"--mail-rate", fmt.Sprint(rate), "--job-lease", "20s"}, Log: o.Log}
	if err := srv.Start(ctx); err != nil {
		return nil, err
	}
	defer srv.Kill()

	w, err := setup(ctx, srv.URL(), sink.Port, o)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	w.refs.campanaRecipients = recipients
	logf("%d clientes durante %s, %d SIGKILL; campaña a %d destinatarios a %d/min", o.Clients, o.Duration, o.Kills, recipients, rate)

	// the campaign and the first reports start with the load
	subject := fmt.Sprintf("Carga SGUL %s", w.salt)
	w.refs.campanaSubject = subject
	campaign := map[string]any{"asunto": subject, "cuerpo": "<p>Hola {{.Nombre}}, le escribimos desde {{.Sede}}.</p>",
		"audiencia": "leads", "sede": sede, "estado": "Programada"}
	if r := w.admin.call(ctx, "POST", "/api/collections/campanas/records", campaign, nil); r.status != http.StatusOK {
		return nil, fmt.Errorf("campaign: %s", r)
	}
	requestReports := func(n int) {
		for i := range n {
			tipo := []string{"ingresos", "balance", "gastos"}[i%3]
			for { // across a restart: the report is asked for until the server answers
				r := w.admin.call(ctx, "POST", "/api/collections/reportes/records", map[string]any{"tipo": tipo, "formato": "xlsx"}, nil)
				if r.err == nil || ctx.Err() != nil {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
		}
	}
	requestReports(2)

	loadCtx, stopLoad := context.WithTimeout(ctx, o.Duration)
	defer stopLoad()
	started := time.Now()
	go w.refresh(loadCtx, 2*time.Second)
	var wg sync.WaitGroup
	for i := range o.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(o.Seed, uint64(i)))
			var s *session
			if len(w.students) > 0 {
				s = w.students[i%len(w.students)]
			}
			for loadCtx.Err() == nil {
				switch i % 20 {
				case 0, 1, 2, 3, 4, 5, 6, 7:
					w.cashier(loadCtx, rnd)
				case 8, 9, 10:
					w.advisor(loadCtx, rnd)
				case 11, 12, 13:
					w.hr(loadCtx, rnd)
				case 14, 15, 16, 17:
					if s != nil {
						w.student(loadCtx, rnd, s)
					}
				default:
					w.reader(loadCtx, rnd)
				}
				time.Sleep(time.Duration(20+rnd.IntN(100)) * time.Millisecond) // a person's pace between clicks
			}
		}()
	}

	for k := 1; k <= o.Kills; k++ {
		at := started.Add(time.Duration(k) * killEvery)
		requestAt := at.Add(-3 * time.Second) // reports queued or running when the process dies
		if !sleepUntil(loadCtx, requestAt) {
			break
		}
		go requestReports(4)
		if !sleepUntil(loadCtx, at) {
			break
		}
		ev := KillEvent{At: time.Since(started)}
		_ = db.QueryRow(`SELECT COUNT(*), COALESCE(SUM(e.estado = 'enviado'),0) FROM envios e JOIN campanas c ON c.id = e.campana
			WHERE c.asunto = ?`, subject).Scan(&ev.CampaignSize, &ev.CampaignSent)
		_ = db.QueryRow(`SELECT COUNT(*) FROM jobs WHERE estado = 'ejecutando'`).Scan(&ev.JobsRunning)
		_ = db.QueryRow(`SELECT COUNT(*) FROM reportes WHERE estado IN ('Pendiente','Generando')`).Scan(&ev.ReportsOpen)
		logf("SIGKILL %d a los %s (campaña %d/%d, %d trabajos en curso, %d reportes abiertos)", k, ev.At.Round(time.Second),
			ev.CampaignSent, ev.CampaignSize, ev.JobsRunning, ev.ReportsOpen)
		down := time.Now()
		if err := srv.Kill(); err != nil {
			return nil, err
		}
		if err := srv.Start(ctx); err != nil {
			return nil, fmt.Errorf("restart %d: %w", k, err)
		}
		ev.Down = time.Since(down)
		rep.Kills = append(rep.Kills, ev)
	}
	<-loadCtx.Done()
	wg.Wait()
	rep.LoadTime = time.Since(started)
	logf("carga terminada en %s; esperando los trabajos en cola", rep.LoadTime.Round(time.Second))

	settled := time.Now()
	if err := settle(ctx, db, subject, o.SettleTimeout); err != nil {
		logf("%v", err) // the checks below say which jobs did not finish
	}
	rep.SettleTime = time.Since(settled)
	if err := srv.Stop(30 * time.Second); err != nil {
		return nil, err
	}

	rep.Actions = w.actions()
	for _, a := range rep.Actions {
		rep.Requests += a.OK + a.Refused + a.ServerErrors + a.Down
	}
	rep.Issues = w.issues
	if rep.Check, err = CheckData(db); err != nil {
		return rep, err
	}
	rep.Mail, err = checkMail(db, sink.Counts(), subject)
	return rep, err
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Until(t)):
		return true
	}
}

// campaignAudience picks the sede with most leads that have an e-mail.
func campaignAudience(db *sql.DB) (string, int, error) {
	var sede string
	var n int
	err := db.QueryRow(`SELECT sede, COUNT(*) FROM leads WHERE email != '' GROUP BY sede ORDER BY 2 DESC LIMIT 1`).Scan(&sede, &n)
	if err != nil {
		return "", 0, fmt.Errorf("campaign audience: %w", err)
	}
	return sede, n, nil
}

// settle waits until no job is pending, running or waiting for a retry and the
// campaign is finished.
func settle(ctx context.Context, db *sql.DB, subject string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var open, campaign int
		_ = db.QueryRow(`SELECT COUNT(*) FROM jobs WHERE estado IN ('pendiente','ejecutando','fallido')`).Scan(&open)
		_ = db.QueryRow(`SELECT COUNT(*) FROM campanas WHERE asunto = ? AND estado NOT IN ('Enviada','Cancelada')`, subject).Scan(&campaign)
		if open == 0 && campaign == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s: %d jobs not finished, campaign finished: %v", timeout, open, campaign == 0)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// checkMail: no one received a campaign message twice; each envío marked sent was
// received exactly once, one flagged fallido at most once (its send was cut by a kill:
// it may have arrived, and is never resent), the others never; each welcome mail (one
// per done job) exactly once.
func checkMail(db *sql.DB, got map[string]int, subject string) (MailCheck, error) {
	var m MailCheck
	seen := map[string]bool{}
	err := rows(db, `SELECT e.email, e.estado FROM envios e JOIN campanas c ON c.id = e.campana WHERE c.asunto = '`+
		strings.ReplaceAll(subject, "'", "''")+`'`, func(scan func(...any) error) error {
		var email, estado string
		if err := scan(&email, &estado); err != nil {
			return err
		}
		email = strings.ToLower(email)
		m.Envios++
		n := got[email+"|"+subject]
		seen[email] = true
		m.Delivered += n
		switch {
		case n > 1:
			m.Duplicates++
			m.Violations = append(m.Violations, fmt.Sprintf("%s received the campaign %d times", email, n))
		case estado == "enviado" && n != 1:
			m.Violations = append(m.Violations, fmt.Sprintf("%s is marked sent but received %d", email, n))
		case estado == "fallido" && n == 1:
			m.Uncertain++ // cut by a kill after the hand-over: flagged, never resent
		case estado != "enviado" && n != 0:
			m.Violations = append(m.Violations, fmt.Sprintf("%s is %s but received the campaign", email, estado))
		}
		if estado == "enviado" {
			m.Enviados++
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		email, subj, _ := strings.Cut(k, "|")
		n := got[k]
		switch {
		case subj == subject && !seen[email]:
			m.Violations = append(m.Violations, fmt.Sprintf("%s received the campaign without an envío", email))
		case subj != subject:
			m.Welcome += n
			if n > 1 {
				m.Duplicates++
				m.Violations = append(m.Violations, fmt.Sprintf("%s received %q %d times", email, subj, n))
			}
		}
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM jobs WHERE tipo = 'correo_bienvenida_alumno' AND estado = 'hecho'`).Scan(&m.WelcomeJob); err != nil {
		return m, err
	}
	if m.Welcome != m.WelcomeJob {
		m.Violations = append(m.Violations, fmt.Sprintf("%d welcome mails received for %d welcome jobs done", m.Welcome, m.WelcomeJob))
	}
	return m, nil
}
