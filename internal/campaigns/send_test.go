package campaigns_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/campaigns"
	"sgul/internal/jobs"
	"sgul/internal/sgultest"
)

func newApp(t *testing.T) (*tests.TestApp, sgultest.Fixture) {
	t.Helper()
	app, f := sgultest.NewApp(t)
	t.Cleanup(app.Cleanup)
	return app, f
}

// addLeads creates n leads of sede A with addresses lead00@example.com...
func addLeads(t *testing.T, app core.App, f sgultest.Fixture, n int) []string {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId("leads")
	var emails []string
	for i := range n {
		email := fmt.Sprintf("lead%02d@example.com", i)
		r := core.NewRecord(col)
		r.Load(map[string]any{"nombre_completo": fmt.Sprintf("Persona %02d", i), "telefono": "987654321", "genero": "Femenino",
			"email": email, "asesor": f.Users["ventas"], "medio_contacto": f.Facebook, "intereses": []string{f.Carrera}, "sede": f.SedeA})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		emails = append(emails, email)
	}
	return emails
}

// newCampaign saves a Programada campaign to the Pendiente leads of sede A (the hook
// enqueues its sending job).
func newCampaign(t *testing.T, app core.App, f sgultest.Fixture, extra map[string]any) *core.Record {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId("campanas")
	c := core.NewRecord(col)
	c.Load(map[string]any{
		"asunto": "Hola {{.Nombre}}: becas 2026", "cuerpo": "<p>Hola {{.Nombre}}, tenemos becas en {{.Sede}}.</p>",
		"audiencia": "leads", "sede": f.SedeA, "estado_destinatario": "Pendiente", "estado": "Programada",
	})
	c.Load(extra)
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	return c
}

func sendJob(t *testing.T, app core.App, c *core.Record) *jobs.Job {
	t.Helper()
	recs, err := app.FindRecordsByFilter("jobs", "tipo = {:t} && clave ~ {:c}", "-created", 1, 0,
		dbx.Params{"t": campaigns.JobEnviar, "c": "campana:" + c.Id + ":"})
	if err != nil || len(recs) != 1 {
		t.Fatalf("job de envío de %s: %v", c.Id, err)
	}
	raw, _ := json.Marshal(recs[0].Get("payload"))
	return &jobs.Job{Id: recs[0].Id, Tipo: campaigns.JobEnviar, Key: recs[0].GetString("clave"), Payload: raw, Attempt: 1, MaxAttempts: 50}
}

func envios(t *testing.T, app core.App, c *core.Record) map[string]*core.Record {
	t.Helper()
	recs, err := app.FindAllRecords("envios", dbx.HashExp{"campana": c.Id})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*core.Record{}
	for _, r := range recs {
		if out[r.GetString("email")] != nil {
			t.Errorf("dos envíos para %s", r.GetString("email"))
		}
		out[r.GetString("email")] = r
	}
	return out
}

func reload(t *testing.T, app core.App, r *core.Record) *core.Record {
	t.Helper()
	fresh, err := app.FindRecordById(r.Collection().Name, r.Id)
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

// A campaign reaches every recipient exactly once over one connection; opt-outs are
// skipped; a 4xx is retried by the next run of the job; a 5xx is recorded as fallido.
func TestCampaignDeliversEveryRecipientOnce(t *testing.T) {
	app, f := newApp(t)
	srv := newSMTPServer(t)
	srv.configure(t, app)
	emails := addLeads(t, app, f, 30)
	addLeadWithEmail(t, app, f, "LEAD01@Example.com") // same address: one envío
	if _, err := campaigns.OptOut(app, "lead03@example.com", "", "prueba"); err != nil {
		t.Fatal(err)
	}
	srv.script["lead05@example.com"] = []*smtp.SMTPError{{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "Buzón ocupado, intente luego"}}
	srv.script["lead07@example.com"] = []*smtp.SMTPError{{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No existe el buzón"}}

	c := newCampaign(t, app, f, nil)
	job := sendJob(t, app, c)
	runner := campaigns.NewRunner(0)

	err := runner.HandleSend(context.Background(), app, job)
	if err == nil || !strings.Contains(err.Error(), "temporal") {
		t.Fatalf("la primera pasada debía fallar por el 451 (para reintentar): %v", err)
	}
	if n := srv.conns.Load(); n != 1 {
		t.Errorf("%d conexiones SMTP; quería 1 reutilizada", n)
	}
	es := envios(t, app, c)
	if len(es) != 30 {
		t.Fatalf("%d envíos, quería 30 (una dirección repetida)", len(es))
	}
	check := func(email, estado string, intentos int, errText string) {
		t.Helper()
		e := es[email]
		if e == nil || e.GetString("estado") != estado || e.GetInt("intentos") != intentos || !strings.Contains(e.GetString("error"), errText) {
			t.Errorf("envío %s = %v", email, e)
		}
	}
	check("lead03@example.com", "omitido", 0, "baja")
	check("lead05@example.com", "pendiente", 1, "451")
	check("lead07@example.com", "fallido", 1, "550")
	check("lead00@example.com", "enviado", 1, "")
	c = reload(t, app, c)
	if c.GetString("estado") != "Enviando" || c.GetInt("total") != 30 || c.GetInt("enviados") != 27 || c.GetInt("fallidos") != 1 || c.GetInt("omitidos") != 1 {
		t.Errorf("campaña tras la 1.a pasada: %v", c.PublicExport())
	}

	// The queue retries the job: only the 451 goes out again.
	if err := runner.HandleSend(context.Background(), app, job); err != nil {
		t.Fatal(err)
	}
	for _, email := range emails {
		want := 1
		if email == "lead03@example.com" || email == "lead07@example.com" {
			want = 0
		}
		if got := srv.count(email); got != want {
			t.Errorf("%s recibió %d copias, quería %d", email, got, want)
		}
	}
	c = reload(t, app, c)
	if c.GetString("estado") != "Enviada" || c.GetInt("enviados") != 28 || c.GetDateTime("terminada_en").IsZero() {
		t.Errorf("campaña final: %v", c.PublicExport())
	}
	// A stale run (the job delivered twice) sends nothing.
	if err := runner.HandleSend(context.Background(), app, job); err != nil {
		t.Fatal(err)
	}
	if n := srv.delivered.Load(); n != 28 {
		t.Errorf("%d mensajes entregados, quería 28", n)
	}

	// What one recipient got: personalised subject and body, unsubscribe link and headers.
	srv.mu.Lock()
	h, raw := srv.headers["lead00@example.com"], srv.bodies["lead00@example.com"]
	srv.mu.Unlock()
	if !strings.Contains(h.Get("Subject"), "Persona 00") {
		t.Errorf("Subject = %q", h.Get("Subject"))
	}
	lu := h.Get("List-Unsubscribe")
	if !strings.HasPrefix(lu, "<https://sgul.test/api/campanas/baja?token=") || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("cabeceras de baja: %q / %q", lu, h.Get("List-Unsubscribe-Post"))
	}
	body := decodeQP(t, raw)
	if !strings.Contains(body, "Hola Persona 00, tenemos becas en Arequipa Virtual") || !strings.Contains(body, "darse de baja") {
		t.Errorf("cuerpo: %s", body)
	}
	link := strings.Trim(lu, "<>")
	u, _ := url.Parse(link)
	email, campana, err := campaigns.ParseUnsubscribeToken(app, u.Query().Get("token"))
	if err != nil || email != "lead00@example.com" || campana != c.Id {
		t.Errorf("token de baja: %q %q %v", email, campana, err)
	}
}

func addLeadWithEmail(t *testing.T, app core.App, f sgultest.Fixture, email string) {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId("leads")
	r := core.NewRecord(col)
	r.Load(map[string]any{"nombre_completo": "Duplicada", "telefono": "987654321", "genero": "Otro", "email": email,
		"asesor": f.Users["ventas"], "medio_contacto": f.Facebook, "intereses": []string{f.Carrera}, "sede": f.SedeA})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func decodeQP(t *testing.T, raw string) string {
	t.Helper()
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(raw)))
	if err != nil {
		return raw
	}
	return string(b)
}

// A campaign interrupted midway (the process stopped after 15 messages) resumes on the
// next run without sending anyone a second copy; progress is saved while it sends.
func TestCampaignResumesAfterCrashWithoutDuplicates(t *testing.T) {
	app, f := newApp(t)
	srv := newSMTPServer(t)
	srv.configure(t, app)
	emails := addLeads(t, app, f, 60)
	c := newCampaign(t, app, f, nil)
	job := sendJob(t, app, c)

	ctx, crash := context.WithCancel(context.Background())
	srv.afterDelivery = func(n int32) {
		if n == 15 {
			crash()
		}
	}
	err := campaigns.NewRunner(0).HandleSend(ctx, app, job)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, quería context.Canceled", err)
	}
	sent := 0
	for _, e := range envios(t, app, c) {
		if e.GetString("estado") == "enviado" {
			sent++
		}
	}
	if got := srv.delivered.Load(); int(got) != sent {
		t.Fatalf("el servidor aceptó %d mensajes pero %d envíos constan como enviados", got, sent)
	}

	var progress int
	srv.afterDelivery = func(n int32) {
		if n == 41 { // 26 messages into the second run: the counters were saved after the 25th
			progress = reload(t, app, c).GetInt("enviados")
		}
	}
	if err := campaigns.NewRunner(0).HandleSend(context.Background(), app, job); err != nil {
		t.Fatal(err)
	}
	for _, email := range emails {
		if n := srv.count(email); n != 1 {
			t.Errorf("%s recibió %d copias", email, n)
		}
	}
	if progress != 40 {
		t.Errorf("progreso visible durante el envío = %d, quería 40", progress)
	}
	if c = reload(t, app, c); c.GetString("estado") != "Enviada" || c.GetInt("enviados") != 60 {
		t.Errorf("campaña: %v", c.PublicExport())
	}
}

// Recipients listed before a crash are not listed twice when listing resumes, and an
// address that opts out after being listed is skipped at send time.
func TestCampaignListingIsIdempotentAndOptOutsWin(t *testing.T) {
	app, f := newApp(t)
	srv := newSMTPServer(t)
	srv.configure(t, app)
	addLeads(t, app, f, 5)
	c := newCampaign(t, app, f, nil)
	// a previous run listed lead01 and died before finishing the list
	col, _ := app.FindCollectionByNameOrId("envios")
	e := core.NewRecord(col)
	e.Load(map[string]any{"campana": c.Id, "email": "lead01@example.com", "estado": "pendiente"})
	if err := app.Save(e); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().Update("campanas", dbx.Params{"estado": "Enviando"}, dbx.HashExp{"id": c.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := campaigns.OptOut(app, "LEAD02@example.com", c.Id, "prueba"); err != nil {
		t.Fatal(err)
	}
	if err := campaigns.NewRunner(0).HandleSend(context.Background(), app, sendJob(t, app, c)); err != nil {
		t.Fatal(err)
	}
	es := envios(t, app, c)
	if len(es) != 5 || es["lead02@example.com"].GetString("estado") != "omitido" || srv.count("lead02@example.com") != 0 {
		t.Errorf("envíos: %d, lead02 = %v", len(es), es["lead02@example.com"])
	}
	if srv.count("lead01@example.com") != 1 || srv.delivered.Load() != 4 {
		t.Errorf("entregados %d", srv.delivered.Load())
	}
}

// The rate limit spaces messages; a cancelled or rescheduled campaign's job does nothing.
func TestCampaignRateLimitAndStaleJobs(t *testing.T) {
	app, f := newApp(t)
	srv := newSMTPServer(t)
	srv.configure(t, app)
	addLeads(t, app, f, 4)
	c := newCampaign(t, app, f, nil)
	start := time.Now()
	if err := campaigns.NewRunner(600).HandleSend(context.Background(), app, sendJob(t, app, c)); err != nil { // one every 100 ms
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("4 mensajes a 600/min en %v", d)
	}

	// Rescheduled for later: the old job is stale, the new one waits for its date.
	c2 := newCampaign(t, app, f, map[string]any{"asunto": "Otra"})
	old := sendJob(t, app, c2)
	c2 = reload(t, app, c2)
	c2.Set("estado", "Borrador")
	if err := app.Save(c2); err != nil {
		t.Fatal(err)
	}
	c2.Set("estado", "Programada")
	c2.Set("programada_para", time.Now().Add(48*time.Hour))
	if err := app.Save(c2); err != nil {
		t.Fatal(err)
	}
	newJob := sendJob(t, app, c2)
	if newJob.Id == old.Id {
		t.Fatal("reprogramar no encoló un job nuevo")
	}
	jr, _ := app.FindRecordById("jobs", newJob.Id)
	if !jr.GetDateTime("ejecutar_en").Time().After(time.Now().Add(47 * time.Hour)) {
		t.Errorf("el job nuevo corre el %v", jr.GetDateTime("ejecutar_en"))
	}
	before := srv.delivered.Load()
	for _, j := range []*jobs.Job{old, newJob} {
		if err := campaigns.NewRunner(0).HandleSend(context.Background(), app, j); err != nil {
			t.Fatal(err)
		}
	}
	if srv.delivered.Load() != before || reload(t, app, c2).GetString("estado") != "Programada" {
		t.Error("un job viejo o adelantado envió la campaña")
	}

	// Cancelled before its date: the job closes it without sending.
	c2.Set("estado", "Cancelada")
	if err := app.Save(c2); err != nil {
		t.Fatal(err)
	}
	if err := campaigns.NewRunner(0).HandleSend(context.Background(), app, newJob); err != nil {
		t.Fatal(err)
	}
	if srv.delivered.Load() != before {
		t.Error("una campaña cancelada envió correos")
	}
}

// Without SMTP settings the job fails (to retry later) and says why on the campaign.
func TestCampaignWithoutSMTP(t *testing.T) {
	app, f := newApp(t)
	addLeads(t, app, f, 1)
	c := newCampaign(t, app, f, nil)
	err := campaigns.NewRunner(0).HandleSend(context.Background(), app, sendJob(t, app, c))
	if !errors.Is(err, campaigns.ErrSMTPDisabled) {
		t.Fatalf("err = %v", err)
	}
	if c = reload(t, app, c); !strings.Contains(c.GetString("error"), "SMTP") || c.GetString("estado") != "Enviando" {
		t.Errorf("campaña: %v", c.PublicExport())
	}
}

// A mail server that cannot be reached fails the job (the queue retries it) without
// using up the envíos' attempts; once it is back, the campaign completes.
func TestCampaignSurvivesMailServerOutage(t *testing.T) {
	app, f := newApp(t)
	addLeads(t, app, f, 3)
	down := newSMTPServer(t)
	down.configure(t, app)
	c := newCampaign(t, app, f, nil)
	job := sendJob(t, app, c)
	runner := campaigns.NewRunner(0)
	// a port nothing listens on
	st := app.Settings()
	st.SMTP.Port = 1
	if err := app.Save(st); err != nil {
		t.Fatal(err)
	}
	for range maxOutageRuns {
		if err := runner.HandleSend(context.Background(), app, job); err == nil {
			t.Fatal("sin servidor de correo el job debía fallar")
		}
	}
	for email, e := range envios(t, app, c) {
		if e.GetString("estado") != "pendiente" {
			t.Errorf("%s quedó %s durante la caída", email, e.GetString("estado"))
		}
	}
	if msg := reload(t, app, c).GetString("error"); !strings.Contains(msg, "conectar") {
		t.Errorf("error de la campaña: %q", msg)
	}
	up := newSMTPServer(t)
	up.configure(t, app)
	if err := runner.HandleSend(context.Background(), app, job); err != nil {
		t.Fatal(err)
	}
	if up.delivered.Load() != 3 || reload(t, app, c).GetString("estado") != "Enviada" {
		t.Errorf("tras la caída: %d entregados", up.delivered.Load())
	}
}

// maxOutageRuns exceeds the per-envío limit of temporary (4xx) replies.
const maxOutageRuns = 6
