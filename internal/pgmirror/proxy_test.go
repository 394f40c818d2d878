package pgmirror

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// tcpProxy forwards a local port to PostgreSQL and can cut every connection,
// to simulate an outage.
type tcpProxy struct {
	mu     sync.Mutex
	target string
	ln     net.Listener
	addr   string
	conns  []net.Conn
}

func newProxy(t *testing.T, pgURL string) (*tcpProxy, string) {
	u, err := url.Parse(pgURL)
	must(t, err)
	p := &tcpProxy{target: u.Host}
	p.up(t)
	u.Host = p.addr
	t.Cleanup(p.down)
	return p, u.String()
}

func (p *tcpProxy) up(t *testing.T) {
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	must(t, err)
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
}

// down stops listening and resets every open connection.
func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
