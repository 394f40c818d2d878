package reliability

import (
	"bufio"
	"io"
	"log"
	"mime"
	"net"
	"net/textproto"
	"strings"
	"sync"

	"github.com/emersion/go-smtp"
)

// Sink is an SMTP server on 127.0.0.1 that counts the messages it accepts per
// recipient and subject: how a run sees an e-mail sent twice.
type Sink struct {
	Port int

	srv *smtp.Server
	mu  sync.Mutex
	got map[string]int // "recipient|subject" -> messages
}

// StartSink listens on a free port until Close.
func StartSink() (*Sink, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Sink{Port: l.Addr().(*net.TCPAddr).Port, got: map[string]int{}}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Close stops the server.
func (s *Sink) Close() error { return s.srv.Close() }

// Total is how many messages (per recipient) the sink accepted.
func (s *Sink) Total() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, v := range s.got {
		n += int64(v)
	}
	return n
}

// Counts returns a copy of the messages per "recipient|subject".
func (s *Sink) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.got))
	for k, v := range s.got {
		out[k] = v
	}
	return out
}

type sinkSession struct {
	sink  *Sink
	rcpts []string
}

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.rcpts = append(ss.rcpts, strings.ToLower(to))
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	h, err := textproto.NewReader(bufio.NewReader(r)).ReadMIMEHeader()
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, r)
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil {
		subject = h.Get("Subject")
	}
	ss.sink.mu.Lock()
	for _, rc := range ss.rcpts {
		ss.sink.got[rc+"|"+subject]++
	}
	ss.sink.mu.Unlock()
	return nil
}

func (ss *sinkSession) Reset()        { ss.rcpts = nil }
func (ss *sinkSession) Logout() error { return nil }
