package mailer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

const defaultTimeout = 30 * time.Second

// Sender sends messages with one SMTP connection per SendAll call. Concurrent
// SendAll calls on the same Sender share its rate limit.
type Sender struct {
	cfg     SMTPConfig
	opts    []mail.Option
	limiter *limiter
}

// NewSender validates cfg and returns a Sender that sends at most
// ratePerMinute messages per minute (0 or less: no limit). No connection is
// made until SendAll receives its first message.
func NewSender(cfg SMTPConfig, ratePerMinute int) (*Sender, error) {
	if strings.TrimSpace(cfg.Host) == "" {
		return nil, errors.New("falta el servidor SMTP")
	}
	if cfg.SenderAddress == "" {
		return nil, errors.New("falta la dirección del remitente")
	}
	port := cfg.Port
	if port == 0 {
		port = 587
		if cfg.TLS {
			port = 465
		}
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	// No NOOP before and no RSET after each message: SendAll already redials
	// and repeats a message whose MAIL command finds the connection dead, so
	// those two round trips per message would buy nothing.
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(timeout), mail.WithoutNoop(), mail.WithoutRset()}
	if cfg.LocalName != "" {
		opts = append(opts, mail.WithHELO(cfg.LocalName))
	}
	if cfg.TLS {
		opts = append(opts, mail.WithSSL())
	} else {
		switch cfg.StartTLS {
		case "", "opportunistic":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
		case "mandatory":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		case "none":
			opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		default:
			return nil, fmt.Errorf("modo STARTTLS desconocido: %q", cfg.StartTLS)
		}
	}
	if cfg.Username != "" {
		var auth mail.SMTPAuthType
		switch strings.ToUpper(cfg.AuthMethod) {
		case "", "PLAIN":
			auth = mail.SMTPAuthPlain
		case "LOGIN":
			auth = mail.SMTPAuthLogin
		default:
			return nil, fmt.Errorf("método de autenticación SMTP desconocido: %q", cfg.AuthMethod)
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	// Validate the options once so SendAll cannot fail on them.
	if _, err := mail.NewClient(cfg.Host, opts...); err != nil {
		return nil, fmt.Errorf("configuración SMTP inválida: %w", err)
	}
	return &Sender{cfg: cfg, opts: opts, limiter: newLimiter(ratePerMinute)}, nil
}

// SendAll sends every message received from msgs over one SMTP connection,
// dialled at the first message and dialled again when it is lost, until msgs
// is closed or ctx ends.
//
// report is called once per message sent or attempted, before the next one
// is taken, so a caller that persists the Outcome inside report never sends
// an already-reported message again after a crash. If report returns an
// error SendAll stops and returns it.
//
// A message the server answers with 4xx, or that the connection drops, has
// Outcome.Temporary set; 5xx replies and malformed messages are permanent.
// A connection found dead before the message could have been accepted is
// dialled again and the message repeated at once. Only if the connection dies
// between the final "." and the server's reply is the message's fate unknown:
// it is reported Temporary and a later retry may deliver it twice.
// If the connection cannot be (re)established, that message is reported as
// Temporary and SendAll returns the connection error: the server or the
// settings are at fault, not the remaining messages.
//
// When ctx ends SendAll quits the SMTP session and returns ctx's error; a
// message taken from msgs but not yet sent is not reported.
func (s *Sender) SendAll(ctx context.Context, msgs <-chan Message, report func(Outcome) error) error {
	c := &conn{s: s}
	defer c.close()
	for {
		var m Message
		var ok bool
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m, ok = <-msgs:
			if !ok {
				return nil
			}
		}
		if err := s.limiter.wait(ctx); err != nil {
			return err
		}
		out, stop := c.send(ctx, m)
		if err := report(out); err != nil {
			return fmt.Errorf("no se pudo registrar el resultado del envío %s: %w", m.Key, err)
		}
		if stop != nil {
			return stop
		}
	}
}

// conn is the connection state of one SendAll call.
type conn struct {
	s      *Sender
	client *mail.Client
}

// send delivers m, dialling first when needed. stop is non-nil when no
// connection could be established.
func (c *conn) send(ctx context.Context, m Message) (out Outcome, stop error) {
	out.Key = m.Key
	// One immediate repeat on a fresh connection when the old one turned out
	// dead before the message could have been accepted.
	for attempt := 0; ; attempt++ {
		msg, err := c.s.build(m)
		if err != nil {
			out.Err = err
			return out, nil
		}
		if c.client == nil {
			if err := c.dial(ctx); err != nil {
				out.Temporary, out.Err = true, err
				return out, err
			}
		}
		err = c.client.Send(msg)
		if err == nil || msg.IsDelivered() {
			if err != nil {
				c.drop() // accepted, but a step after the reply failed
			}
			out.Sent = true
			return out, nil
		}
		f := classify(err)
		if f.connLost {
			c.drop()
			if f.undelivered && attempt == 0 && ctx.Err() == nil {
				continue
			}
		}
		out.Temporary, out.Err = f.err.Temporary, f.err
		return out, nil
	}
}

func (c *conn) dial(ctx context.Context) error {
	client, err := mail.NewClient(c.s.cfg.Host, c.s.opts...)
	if err == nil {
		err = client.DialWithContext(ctx)
	}
	if err != nil {
		return &DeliveryError{Temporary: true, Reason: fmt.Sprintf("no se pudo conectar al servidor de correo %s", c.s.cfg.Host), Err: err}
	}
	c.client = client
	return nil
}

// drop closes a connection that is no longer usable.
func (c *conn) drop() {
	if c.client != nil {
		_ = c.client.Close()
		c.client = nil
	}
}

// close ends the session politely (QUIT).
func (c *conn) close() { c.drop() }

// build turns m into a go-mail message.
func (s *Sender) build(m Message) (*mail.Msg, error) {
	invalid := func(reason string, err error) error {
		return &DeliveryError{Reason: reason, Err: err}
	}
	msg := mail.NewMsg()
	if err := msg.FromFormat(s.cfg.SenderName, s.cfg.SenderAddress); err != nil {
		return nil, invalid("remitente inválido", err)
	}
	if strings.TrimSpace(m.To) == "" {
		return nil, invalid("falta el destinatario", nil)
	}
	if err := msg.To(m.To); err != nil {
		return nil, invalid("destinatario inválido", err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, invalid("el asunto contiene saltos de línea", nil)
	}
	msg.Subject(m.Subject)
	for k, v := range m.Headers {
		if k == "" || strings.ContainsAny(k, "\r\n: ") || strings.ContainsAny(v, "\r\n") {
			return nil, invalid(fmt.Sprintf("cabecera inválida %q", k), nil)
		}
		msg.SetGenHeader(mail.Header(k), v)
	}
	switch {
	case m.HTML != "" && m.Text != "":
		msg.SetBodyString(mail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	case m.HTML != "":
		msg.SetBodyString(mail.TypeTextHTML, m.HTML)
	default:
		msg.SetBodyString(mail.TypeTextPlain, m.Text)
	}
	msg.SetMessageID()
	msg.SetDate()
	return msg, nil
}
