package campaigns_test

import (
	"bufio"
	"io"
	"log"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/pocketbase/pocketbase/core"
)

// smtpServer is an in-process SMTP server (github.com/emersion/go-smtp) on 127.0.0.1
// that records every message it accepts.
type smtpServer struct {
	port      int
	conns     atomic.Int32
	delivered atomic.Int32

	mu      sync.Mutex
	perRcpt map[string]int
	headers map[string]textproto.MIMEHeader
	bodies  map[string]string
	// script holds the replies RCPT gives to an address, one per attempt (nil accepts);
	// once used up the address is accepted.
	script map[string][]*smtp.SMTPError
	// afterDelivery runs after each accepted message, with the running count.
	afterDelivery func(n int32)
}

func newSMTPServer(t testing.TB) *smtpServer {
	s := &smtpServer{perRcpt: map[string]int{}, headers: map[string]textproto.MIMEHeader{}, bodies: map[string]string{},
		script: map[string][]*smtp.SMTPError{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = srv.Serve(countConns{l, &s.conns}) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

type countConns struct {
	net.Listener
	n *atomic.Int32
}

func (l countConns) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// configure points PocketBase's SMTP settings (the ones the campaigns use) at the server.
func (s *smtpServer) configure(t testing.TB, app core.App) {
	t.Helper()
	st := app.Settings()
	st.SMTP.Enabled = true
	st.SMTP.Host = "127.0.0.1"
	st.SMTP.Port = s.port
	st.Meta.AppURL = "https://sgul.test"
	st.Meta.SenderAddress = "secretaria@instituto.edu.pe"
	st.Meta.SenderName = "Instituto SGUL"
	if err := app.Save(st); err != nil {
		t.Fatal(err)
	}
}

func (s *smtpServer) count(rcpt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.perRcpt[strings.ToLower(rcpt)]
}

func (s *smtpServer) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.perRcpt {
		out[k] = v
	}
	return out
}

type smtpSession struct {
	s     *smtpServer
	rcpts []string
}

func (ss *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	to = strings.ToLower(to)
	ss.s.mu.Lock()
	var reply *smtp.SMTPError
	if q := ss.s.script[to]; len(q) > 0 {
		reply, ss.s.script[to] = q[0], q[1:]
	}
	ss.s.mu.Unlock()
	if reply != nil {
		return reply
	}
	ss.rcpts = append(ss.rcpts, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	tp := textproto.NewReader(bufio.NewReader(r))
	h, err := tp.ReadMIMEHeader()
	if err != nil {
		return err
	}
	body, err := io.ReadAll(tp.R)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	for _, rc := range ss.rcpts {
		ss.s.perRcpt[rc]++
		ss.s.headers[rc] = h
		ss.s.bodies[rc] = string(body)
	}
	ss.s.mu.Unlock()
	n := ss.s.delivered.Add(1)
	if f := ss.s.afterDelivery; f != nil {
		f(n)
	}
	return nil
}

func (ss *smtpSession) Reset()        { ss.rcpts = nil }
func (ss *smtpSession) Logout() error { return nil }
