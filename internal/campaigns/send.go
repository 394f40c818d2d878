package campaigns

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/jobs"
	"sgul/internal/mailer"
)

const (
	// progressEvery is how many messages pass between two progress saves.
	progressEvery = 25
	// maxTemporary is how many 4xx replies one envío gets before it is fallido. Lost
	// connections do not count: they say nothing about the recipient.
	maxTemporary = 5
	// sendPage is how many pending envíos the producer reads at a time.
	sendPage = 100
)

// Runner sends campaigns. It keeps one mailer.Sender per SMTP configuration, so that
// every campaign shares the rate limit.
type Runner struct {
	rate int

	mu     sync.Mutex
	key    string
	sender *mailer.Sender
}

// NewRunner returns a Runner sending at most ratePerMinute messages per minute
// (0 or less: no limit).
func NewRunner(ratePerMinute int) *Runner { return &Runner{rate: ratePerMinute} }

func (r *Runner) senderFor(app core.App) (*mailer.Sender, error) {
	cfg, err := SMTPConfig(app.Settings())
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%+v", cfg)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sender != nil && r.key == key {
		return r.sender, nil
	}
	s, err := mailer.NewSender(cfg, r.rate)
	if err != nil {
		return nil, err
	}
	r.key, r.sender = key, s
	return s, nil
}

// HandleSend is the JobEnviar handler. It claims the campaign (Programada -> Enviando),
// lists its recipients once, then sends every pending envío over one SMTP connection,
// marking each envío before the next message is taken. It returns an error while envíos
// remain pending after temporary failures, so the queue retries them later; a campaign
// found Enviando (a crash, a restart) simply continues where it stopped.
func (r *Runner) HandleSend(ctx context.Context, app core.App, job *jobs.Job) error {
	var p sendPayload
	if err := job.Decode(&p); err != nil {
		return err
	}
	c, err := claim(app, p)
	if err != nil || c == nil {
		return err
	}
	if c.GetString("estado") == Cancelada {
		return omitPending(app, c.Id, "La campaña fue cancelada.")
	}
	if !c.GetBool("destinatarios_listos") {
		if err := materialize(ctx, app, c); err != nil {
			return err
		}
	}
	sender, err := r.senderFor(app)
	if err != nil {
		_, _ = refreshCounters(app, c.Id, func(rec *core.Record) { rec.Set("error", clip(err.Error())) })
		return err
	}
	sendErr := r.sendPending(ctx, app, c, sender)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	c, err = refreshCounters(app, c.Id, nil)
	if err != nil {
		return err
	}
	if c.GetString("estado") == Cancelada {
		return omitPending(app, c.Id, "La campaña fue cancelada.")
	}
	if sendErr != nil {
		_, _ = refreshCounters(app, c.Id, func(rec *core.Record) { rec.Set("error", clip(sendErr.Error())) })
		return sendErr
	}
	var pending int
	err = app.DB().Select("COUNT(*)").From(ColEnvios).
		Where(dbx.HashExp{"campana": c.Id, "estado": EnvioPendiente}).Row(&pending)
	if err != nil {
		return err
	}
	if pending > 0 {
		return fmt.Errorf("campanas: %d envíos con rechazo temporal; se reintentarán", pending)
	}
	_, err = refreshCounters(app, c.Id, func(rec *core.Record) {
		if rec.GetString("estado") == Enviando {
			rec.Set("estado", Enviada)
			rec.Set("terminada_en", time.Now().UTC())
			rec.Set("error", "")
		}
	})
	return err
}

// claim moves a due Programada campaign to Enviando, or returns an Enviando one to
// resume, or a Cancelada one whose pending envíos must be closed. It returns nil when
// the job is stale (rescheduled, finished, deleted).
func claim(app core.App, p sendPayload) (*core.Record, error) {
	var out *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		c, err := tx.FindRecordById(ColCampanas, p.Campana)
		if err != nil {
			return nil // deleted
		}
		if c.GetInt("programacion") != p.Programacion {
			return nil
		}
		switch c.GetString("estado") {
		case Programada:
			if at := c.GetDateTime("programada_para"); !at.IsZero() && at.Time().After(time.Now().Add(time.Minute)) {
				return nil // rescheduled later: that date's job will run
			}
			c.Set("estado", Enviando)
			c.Set("iniciada_en", time.Now().UTC())
			c.Set("error", "")
			if err := tx.Save(c); err != nil {
				return err
			}
			out = c
		case Enviando, Cancelada:
			out = c
		}
		return nil
	})
	return out, err
}

// sendPending streams the pending envíos into one SendAll call.
func (r *Runner) sendPending(ctx context.Context, app core.App, c *core.Record, sender *mailer.Sender) error {
	tmpl, err := mailer.ParseTemplate(c.GetString("cuerpo"))
	if err != nil {
		return err
	}
	sede := ""
	if s, err := app.FindRecordById("sedes", c.GetString("sede")); err == nil {
		sede = s.GetString("nombre")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	msgs := make(chan mailer.Message)
	var prodErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(msgs)
		prodErr = produce(ctx, app, c, tmpl, sede, msgs)
	}()

	processed := 0
	cancelled := false
	report := func(out mailer.Outcome) error {
		if err := recordOutcome(app, out); err != nil {
			return err
		}
		processed++
		if processed%progressEvery == 0 {
			fresh, err := refreshCounters(app, c.Id, nil)
			if err != nil {
				return err
			}
			if fresh.GetString("estado") == Cancelada {
				cancelled = true
				cancel()
			}
		}
		return nil
	}
	sendErr := sender.SendAll(ctx, msgs, report)
	cancel()
	<-done
	if cancelled {
		return nil
	}
	if sendErr != nil && !errors.Is(sendErr, context.Canceled) {
		return sendErr
	}
	if prodErr != nil && !errors.Is(prodErr, context.Canceled) {
		return prodErr
	}
	return sendErr
}

// inFlight marks an envío handed to the SMTP sender whose answer is not recorded yet.
const inFlight = "en curso"

// interrupted is the error recorded for an envío whose send was cut by a crash.
const interrupted = "El envío se interrumpió (reinicio del servidor) y pudo haberse entregado; no se reenvía para no duplicarlo."

// produce feeds the pending envíos, in id order, to msgs. Opt-outs found now become
// omitido and unrenderable messages fallido, without being sent.
func produce(ctx context.Context, app core.App, c *core.Record, tmpl *mailer.Template, sede string, msgs chan<- mailer.Message) error {
	after := ""
	for {
		if fresh, err := app.FindRecordById(ColCampanas, c.Id); err != nil || fresh.GetString("estado") != Enviando {
			return err
		}
		page := []*core.Record{}
		err := app.RecordQuery(ColEnvios).
			AndWhere(dbx.HashExp{"campana": c.Id, "estado": EnvioPendiente}).
			AndWhere(dbx.NewExp("id > {:after}", dbx.Params{"after": after})).
			OrderBy("id").Limit(sendPage).All(&page)
		if err != nil {
			return fmt.Errorf("campanas: envíos pendientes: %w", err)
		}
		if len(page) == 0 {
			return nil
		}
		for _, e := range page {
			after = e.Id
			if e.GetString("error") == inFlight {
				// Handed to SMTP by a run that died before recording the answer: it may have
				// been delivered. Never resend it (no one gets two copies); flag it instead.
				if err := settle(app, e, EnvioFallido, interrupted); err != nil {
					return err
				}
				continue
			}
			if out, err := OptedOut(app, e.GetString("email")); err != nil {
				return err
			} else if out {
				if err := settle(app, e, EnvioOmitido, "La persona se dio de baja de los correos."); err != nil {
					return err
				}
				continue
			}
			m, err := buildMessage(app, c, tmpl, sede, e)
			if err != nil {
				if err := settle(app, e, EnvioFallido, err.Error()); err != nil {
					return err
				}
				continue
			}
			e.Set("error", inFlight) // committed before the send: see the check above
			if err := app.Save(e); err != nil {
				return err
			}
			select {
			case msgs <- m:
			case <-ctx.Done():
				e.Set("error", "") // never handed over: an ordinary pending envío again
				if err := app.Save(e); err != nil {
					return err
				}
				return ctx.Err()
			}
		}
	}
}

// buildMessage renders one recipient's message with its unsubscribe link and headers.
func buildMessage(app core.App, c *core.Record, tmpl *mailer.Template, sede string, e *core.Record) (mailer.Message, error) {
	link, err := UnsubscribeURL(app, e.GetString("email"), c.Id)
	if err != nil {
		return mailer.Message{}, err
	}
	nombre := e.GetString("nombre")
	if nombre == "" {
		nombre, _, _ = strings.Cut(e.GetString("email"), "@")
	}
	data := map[string]any{"Nombre": nombre, "Email": e.GetString("email"), "Sede": sede, "EnlaceBaja": link}
	body, err := tmpl.Render(data)
	if err != nil {
		return mailer.Message{}, err
	}
	if !strings.Contains(c.GetString("cuerpo"), ".EnlaceBaja") {
		body += `<p style="font-size:12px;color:#666">Si no desea recibir más correos como este, puede <a href="` +
			html.EscapeString(link) + `">darse de baja aquí</a>.</p>`
	}
	subject, err := mailer.RenderText(c.GetString("asunto"), data)
	if err != nil {
		return mailer.Message{}, err
	}
	return mailer.Message{
		Key: e.Id, To: e.GetString("email"), Subject: subject, HTML: body,
		Headers: map[string]string{
			"List-Unsubscribe":      "<" + link + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
	}, nil
}

// recordOutcome stores the result of one message on its envío.
func recordOutcome(app core.App, out mailer.Outcome) error {
	e, err := app.FindRecordById(ColEnvios, out.Key)
	if err != nil {
		return err
	}
	e.Set("intentos", e.GetInt("intentos")+1)
	switch {
	case out.Sent:
		e.Set("estado", EnvioEnviado)
		e.Set("enviado_en", time.Now().UTC())
		e.Set("error", "")
	case out.Temporary:
		e.Set("error", clip(out.Err.Error()))
		var de *mailer.DeliveryError
		if errors.As(out.Err, &de) && de.Code >= 400 && de.Code < 500 && e.GetInt("intentos") >= maxTemporary {
			e.Set("estado", EnvioFallido)
		}
	default:
		e.Set("estado", EnvioFallido)
		msg := "error desconocido"
		if out.Err != nil {
			msg = out.Err.Error()
		}
		e.Set("error", clip(msg))
	}
	return app.Save(e)
}

func settle(app core.App, e *core.Record, estado, reason string) error {
	e.Set("estado", estado)
	e.Set("error", clip(reason))
	return app.Save(e)
}

// omitPending marks the still pending envíos of a cancelled campaign as omitido.
func omitPending(app core.App, campana, reason string) error {
	for {
		page := []*core.Record{}
		err := app.RecordQuery(ColEnvios).AndWhere(dbx.HashExp{"campana": campana, "estado": EnvioPendiente}).
			Limit(sendPage).All(&page)
		if err != nil {
			return err
		}
		for _, e := range page {
			if err := settle(app, e, EnvioOmitido, reason); err != nil {
				return err
			}
		}
		if len(page) < sendPage {
			_, err := refreshCounters(app, campana, nil)
			return err
		}
	}
}

func clip(s string) string {
	if r := []rune(s); len(r) > 2000 {
		return string(r[:1999]) + "…"
	}
	return s
}
