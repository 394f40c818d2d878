package reliability

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Server is one sgul process serving a data directory: the process the crash run kills
// with SIGKILL and starts again on the same directory and address.
type Server struct {
	Bin  string    // the sgul binary
	Dir  string    // its data directory (pb_data)
	Addr string    // host:port it listens on
	Args []string  // extra flags for serve (e.g. --mail-rate 600)
	Log  io.Writer // the process's stdout and stderr (nil = discarded)

	cmd    *exec.Cmd
	exited chan struct{}
	Starts int // how many times the process was started
}

// URL is the server's base URL.
func (s *Server) URL() string { return "http://" + s.Addr }

// Start runs `sgul serve` and waits until /api/health answers.
func (s *Server) Start(ctx context.Context) error {
	args := append([]string{"serve", "--dev=false", "--dir", s.Dir, "--http", s.Addr}, s.Args...)
	cmd := exec.Command(s.Bin, args...)
	cmd.Stdout, cmd.Stderr = s.Log, s.Log
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.Bin, err)
	}
	s.cmd, s.exited = cmd, make(chan struct{})
	s.Starts++
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(s.exited)
	return waitHealthy(ctx, s.URL(), 90*time.Second, s.exited)
}

// Kill ends the process with SIGKILL (no shutdown hooks, no final checkpoint) and waits
// for it to be gone.
func (s *Server) Kill() error {
	if s.cmd == nil {
		return nil
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	<-s.exited
	s.cmd = nil
	return nil
}

// Stop asks the process to end (SIGTERM: PocketBase's graceful shutdown, which stops
// the job queue) and kills it if it has not ended within grace.
func (s *Server) Stop(grace time.Duration) error {
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		s.cmd = nil
		return nil
	case <-time.After(grace):
		return s.Kill()
	}
}

// waitHealthy polls url/api/health until it answers 200, the process exits or the
// timeout passes.
func waitHealthy(ctx context.Context, url string, timeout time.Duration, exited <-chan struct{}) error {
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("sgul exited before it was healthy (see its log)")
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if res, err := c.Get(url + "/api/health"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("sgul not healthy at %s after %s", url, timeout)
}

// LoadDemo runs `sgul demo` on dir: the institute the load works on.
func LoadDemo(ctx context.Context, bin, dir string, leads, students int, log io.Writer) error {
	cmd := exec.CommandContext(ctx, bin, "demo", "--dev=false", "--dir", dir,
		"--leads", fmt.Sprint(leads), "--students", fmt.Sprint(students))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("sgul demo: %w", err)
	}
	return nil
}

// FreeAddr returns a free 127.0.0.1 address.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
