package mailer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

func newTestSender(t testing.TB, s *sink, rate int) *Sender {
	t.Helper()
	snd, err := NewSender(s.config(), rate)
	if err != nil {
		t.Fatal(err)
	}
	return snd
}

func campaign(n int) []Message {
	msgs := make([]Message, n)
	for i := range msgs {
		msgs[i] = Message{
			Key:     fmt.Sprintf("envio-%03d", i),
			To:      alumno(i),
			Subject: "Matrícula 2026-I",
			HTML:    "<p>Hola, tu matrícula está confirmada.</p>",
			Text:    "Hola, tu matrícula está confirmada.",
			Headers: map[string]string{
				"List-Unsubscribe":      "<https://sgul.example.pe/baja?t=" + fmt.Sprint(i) + ">",
				"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			},
		}
	}
	return msgs
}

// collect runs SendAll and returns the outcomes in report order.
func collect(t testing.TB, snd *Sender, ctx context.Context, msgs <-chan Message) ([]Outcome, error) {
	t.Helper()
	var outs []Outcome
	err := snd.SendAll(ctx, msgs, func(o Outcome) error {
		outs = append(outs, o)
		return nil
	})
	return outs, err
}

func TestSendAllDeliversEachMessageOnceOverOneConnection(t *testing.T) {
	s := &sink{user: "envios", pass: "clave-segura", keepHeaders: true}
	s.start(t)
	msgs := campaign(50)
	outs, err := collect(t, newTestSender(t, s, 0), context.Background(), feed(msgs...))
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 50 {
		t.Fatalf("%d outcomes, want 50", len(outs))
	}
	for i, o := range outs {
		if !o.Sent || o.Err != nil || o.Key != msgs[i].Key {
			t.Fatalf("outcome %d = %+v", i, o)
		}
		if n := s.count(msgs[i].To); n != 1 {
			t.Errorf("%s received %d times", msgs[i].To, n)
		}
	}
	if n := s.conns.Load(); n != 1 {
		t.Errorf("%d SMTP connections, want 1", n)
	}
	if !eventually(func() bool { return s.logouts.Load() == 1 }) {
		t.Errorf("%d sessions ended, want 1 (QUIT at the end)", s.logouts.Load())
	}
	h := s.headers[alumno(7)]
	if got := h.Get("List-Unsubscribe"); got != "<https://sgul.example.pe/baja?t=7>" {
		t.Errorf("List-Unsubscribe = %q", got)
	}
	if got := h.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
	if got := h.Get("From"); !strings.Contains(got, "secretaria@instituto.edu.pe") {
		t.Errorf("From = %q", got)
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("Content-Type = %q, want multipart/alternative", h.Get("Content-Type"))
	}
}

func TestSendAllClassifiesRejectedRecipients(t *testing.T) {
	msgs := campaign(5)
	s := &sink{rcptReply: map[string]*smtp.SMTPError{
		msgs[1].To: {Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "Mailbox busy, try later"},
		msgs[3].To: {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"},
	}}
	s.start(t)
	outs, err := collect(t, newTestSender(t, s, 0), context.Background(), feed(msgs...))
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range outs {
		switch i {
		case 1:
			if o.Sent || !o.Temporary || !IsTemporary(o.Err) || !strings.Contains(o.Err.Error(), "450") {
				t.Errorf("450: %+v", o)
			}
		case 3:
			if o.Sent || o.Temporary || IsTemporary(o.Err) || !strings.Contains(o.Err.Error(), "550") {
				t.Errorf("550: %+v", o)
			}
			var de *DeliveryError
			if !errors.As(o.Err, &de) || de.Code != 550 {
				t.Errorf("550: error %T %v", o.Err, o.Err)
			}
		default:
			if !o.Sent {
				t.Errorf("outcome %d = %+v", i, o)
			}
		}
	}
	if n := s.conns.Load(); n != 1 {
		t.Errorf("%d connections; a rejected recipient must not cost the connection", n)
	}
}

func TestSendAllReconnectsWhenTheConnectionDrops(t *testing.T) {
	for name, s := range map[string]*sink{
		"while MAIL is answered":       {dropAtMail: 11},
		"idle, after a delivery":       {dropAfter: 10},
		"both, at different positions": {dropAtMail: 5, dropAfter: 20},
	} {
		t.Run(name, func(t *testing.T) {
			s.start(t)
			msgs := campaign(30)
			outs, err := collect(t, newTestSender(t, s, 0), context.Background(), feed(msgs...))
			if err != nil {
				t.Fatal(err)
			}
			for i, o := range outs {
				if !o.Sent {
					t.Errorf("outcome %d = %+v", i, o)
				}
				if n := s.count(msgs[i].To); n != 1 {
					t.Errorf("%s received %d times", msgs[i].To, n)
				}
			}
			want := int32(2)
			if s.dropAtMail != 0 && s.dropAfter != 0 {
				want = 3
			}
			if n := s.conns.Load(); n != want {
				t.Errorf("%d connections, want %d", n, want)
			}
		})
	}
}

func TestSendAllRespectsTheRateLimit(t *testing.T) {
	s := &sink{}
	s.start(t)
	start := time.Now()
	outs, err := collect(t, newTestSender(t, s, 600), context.Background(), feed(campaign(10)...))
	elapsed := time.Since(start)
	if err != nil || len(outs) != 10 {
		t.Fatalf("err = %v, %d outcomes", err, len(outs))
	}
	// 600/min is one every 100 ms: the 10th leaves 900 ms after the first.
	if elapsed < 850*time.Millisecond {
		t.Errorf("10 messages at 600/min took %v, want >= 900ms", elapsed)
	}
}

func TestSendAllStopsCleanlyWhenCancelled(t *testing.T) {
	s := &sink{}
	s.start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	msgs := make(chan Message) // endless producer
	go func() {
		for i := 0; ; i++ {
			select {
			case msgs <- campaign(1)[0]:
			case <-ctx.Done():
				return
			}
		}
	}()
	reported := 0
	done := make(chan error, 1)
	go func() {
		done <- newTestSender(t, s, 1200).SendAll(ctx, msgs, func(Outcome) error {
			if reported++; reported == 5 {
				cancel()
			}
			return nil
		})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("SendAll did not stop after cancel")
	}
	if reported != 5 || s.delivered.Load() != 5 {
		t.Errorf("reported %d, delivered %d; want 5 and 5", reported, s.delivered.Load())
	}
	if !eventually(func() bool { return s.logouts.Load() == 1 }) {
		t.Errorf("session not closed (logouts = %d)", s.logouts.Load())
	}
}

func TestSendAllStopsWhenReportFails(t *testing.T) {
	s := &sink{}
	s.start(t)
	calls := 0
	err := newTestSender(t, s, 0).SendAll(context.Background(), feed(campaign(10)...), func(Outcome) error {
		if calls++; calls == 3 {
			return errors.New("disk full")
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
	if s.delivered.Load() != 3 {
		t.Errorf("delivered %d after the report failed at 3", s.delivered.Load())
	}
}

func TestSendAllWhenTheServerIsUnreachable(t *testing.T) {
	s := &sink{}
	s.start(t)
	cfg := s.config()
	cfg.Port = closedPort(t)
	snd, err := NewSender(cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := collect(t, snd, context.Background(), feed(campaign(3)...))
	if err == nil || !IsTemporary(err) {
		t.Fatalf("err = %v, want a temporary connection error", err)
	}
	if len(outs) != 1 || outs[0].Sent || !outs[0].Temporary {
		t.Errorf("outcomes = %+v, want only the first, temporary", outs)
	}
}

func TestSendAllWithWrongPassword(t *testing.T) {
	s := &sink{user: "envios", pass: "clave-segura"}
	s.start(t)
	cfg := s.config()
	cfg.Password = "otra"
	snd, err := NewSender(cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := collect(t, snd, context.Background(), feed(campaign(3)...))
	if err == nil || len(outs) != 1 || outs[0].Sent || s.delivered.Load() != 0 {
		t.Errorf("err = %v outcomes = %+v", err, outs)
	}
}

func TestSendAllRejectsMalformedMessagesWithoutLosingTheConnection(t *testing.T) {
	s := &sink{}
	s.start(t)
	good := campaign(1)[0]
	bad := []Message{
		{Key: "sin-destinatario", Subject: "x", Text: "x"},
		{Key: "destinatario-roto", To: "no es un correo", Subject: "x", Text: "x"},
		{Key: "inyeccion", To: alumno(1), Subject: "x\r\nBcc: todos@example.com", Text: "x"},
		{Key: "cabecera", To: alumno(2), Subject: "x", Text: "x", Headers: map[string]string{"X-Ok": "a\nBcc: b"}},
	}
	outs, err := collect(t, newTestSender(t, s, 0), context.Background(), feed(append(bad, good)...))
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range outs[:len(bad)] {
		if o.Sent || o.Temporary || o.Err == nil || o.Key != bad[i].Key {
			t.Errorf("%s: %+v", bad[i].Key, o)
		}
	}
	if last := outs[len(outs)-1]; !last.Sent {
		t.Errorf("good message: %+v", last)
	}
	if s.delivered.Load() != 1 || s.conns.Load() != 1 {
		t.Errorf("delivered %d over %d connections", s.delivered.Load(), s.conns.Load())
	}
}

func TestNewSenderValidatesConfig(t *testing.T) {
	base := SMTPConfig{Host: "smtp.example.pe", Port: 587, SenderAddress: "a@example.pe"}
	for name, mutate := range map[string]func(*SMTPConfig){
		"no host":        func(c *SMTPConfig) { c.Host = "" },
		"no sender":      func(c *SMTPConfig) { c.SenderAddress = "" },
		"bad starttls":   func(c *SMTPConfig) { c.StartTLS = "siempre" },
		"bad authmethod": func(c *SMTPConfig) { c.Username, c.AuthMethod = "u", "CRAM" },
	} {
		cfg := base
		mutate(&cfg)
		if _, err := NewSender(cfg, 0); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	if _, err := NewSender(base, 0); err != nil {
		t.Errorf("valid config: %v", err)
	}
}
