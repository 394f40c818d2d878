package mailer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/textproto"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// sink is an in-process SMTP server on 127.0.0.1 that records what it accepts.
type sink struct {
	addr *net.TCPAddr

	conns     atomic.Int32 // TCP connections accepted
	logouts   atomic.Int32 // sessions ended
	mails     atomic.Int32 // MAIL commands seen
	delivered atomic.Int64 // messages accepted

	// Behaviour, set before sending.
	user, pass  string                     // require AUTH PLAIN when set
	rcptReply   map[string]*smtp.SMTPError // per-recipient RCPT rejection
	dropAtMail  int32                      // close the connection on this MAIL command (1-based)
	dropAfter   int64                      // close the connection right after this delivery
	keepHeaders bool                       // record headers of accepted messages

	mu      sync.Mutex
	perRcpt map[string]int
	headers map[string]textproto.MIMEHeader
}

type countingListener struct {
	net.Listener
	n *atomic.Int32
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// start serves on 127.0.0.1:0 until the test ends.
func (s *sink) start(t testing.TB) {
	s.perRcpt = map[string]int{}
	s.headers = map[string]textproto.MIMEHeader{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().(*net.TCPAddr)
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = srv.Serve(countingListener{l, &s.conns}) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// config points a Sender at the sink.
func (s *sink) config() SMTPConfig {
	return SMTPConfig{
		Host: "127.0.0.1", Port: s.addr.Port, StartTLS: "none",
		Username: s.user, Password: s.pass,
		SenderAddress: "secretaria@instituto.edu.pe", SenderName: "Secretaría Académica",
	}
}

func (s *sink) count(rcpt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.perRcpt[rcpt]
}

type sinkSession struct {
	sink   *sink
	conn   *smtp.Conn
	authed bool
	rcpts  []string
	// armed closes the connection at the reset go-smtp does after DATA,
	// once the 250 reply has been written.
	armed bool
}

func (ss *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.sink.user || pass != ss.sink.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Credenciales inválidas"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error {
	if ss.sink.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if n := ss.sink.mails.Add(1); n == ss.sink.dropAtMail {
		_ = ss.conn.Conn().Close()
		return errors.New("dropped")
	}
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if e := ss.sink.rcptReply[to]; e != nil {
		return e
	}
	ss.rcpts = append(ss.rcpts, to)
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	var h textproto.MIMEHeader
	if ss.sink.keepHeaders {
		var err error
		if h, err = textproto.NewReader(bufio.NewReader(r)).ReadMIMEHeader(); err != nil {
			return err
		}
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	ss.sink.mu.Lock()
	for _, rc := range ss.rcpts {
		ss.sink.perRcpt[rc]++
		if h != nil {
			ss.sink.headers[rc] = h
		}
	}
	ss.sink.mu.Unlock()
	if n := ss.sink.delivered.Add(1); n == ss.sink.dropAfter {
		ss.armed = true
	}
	return nil
}

func (ss *sinkSession) Reset() {
	ss.rcpts = nil
	if ss.armed {
		ss.armed = false
		_ = ss.conn.Conn().Close()
	}
}

func (ss *sinkSession) Logout() error {
	ss.sink.logouts.Add(1)
	return nil
}

// feed returns a closed channel holding msgs.
func feed(msgs ...Message) <-chan Message {
	ch := make(chan Message, len(msgs))
	for _, m := range msgs {
		ch <- m
	}
	close(ch)
	return ch
}

func alumno(i int) string { return fmt.Sprintf("alumno%03d@example.com", i) }

// closedPort returns a local port nothing listens on.
func closedPort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}

// eventually polls cond for up to two seconds; the server notices a QUIT
// slightly after the client has moved on.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
