package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"sgul/internal/reliability"
)

// Server is a server process started by the benchmark.
type Server struct {
	URL     string
	Addr    string
	Startup time.Duration // from exec to the first 200 of /api/health
	cmd     *exec.Cmd
	log     *os.File
}

// StartServer runs `bin serve --dev=false --dir dir --http addr args...` (addr "" = a free
// port) with env added to the environment, and waits until /api/health answers 200 (at
// most timeout). The server's output goes to <dir>.serve.log.
func StartServer(bin, dir, addr string, env, args []string, timeout time.Duration) (*Server, error) {
	if addr == "" {
		var err error
		if addr, err = reliability.FreeAddr(); err != nil {
			return nil, err
		}
	}
	logf, err := os.OpenFile(filepath.Join(filepath.Dir(dir), filepath.Base(dir)+".serve.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	all := append([]string{"serve", "--dev=false", "--dir", dir, "--http", addr}, args...)
	cmd := exec.Command(bin, all...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &Server{URL: "http://" + addr, Addr: addr, cmd: cmd, log: logf}
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < timeout {
		resp, err := client.Get(s.URL + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.Startup = time.Since(start)
				return s, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("%s did not answer /api/health within %s (see %s)", bin, timeout, logf.Name())
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stop ends the server (SIGTERM, then SIGKILL after 10 s).
func (s *Server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.log.Close()
}

// Memory is a process's resident memory in bytes: now (VmRSS) and its high-water mark
// since start (VmHWM), from /proc/<pid>/status.
type Memory struct{ RSS, HWM int64 }

// ReadMemory reads /proc/<pid>/status.
func ReadMemory(pid int) (Memory, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return Memory{}, err
	}
	defer f.Close()
	var m Memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if k == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.HWM = kb << 10
		}
	}
	return m, sc.Err()
}

// PeakSampler samples a process's VmRSS every interval until Stop, keeping the peak.
type PeakSampler struct {
	pid    int
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	peak   int64
}

// SamplePeak starts sampling pid.
func SamplePeak(pid int, interval time.Duration) *PeakSampler {
	if pid <= 0 {
		return nil // no process to watch (--url): Stop reports 0
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &PeakSampler{pid: pid, cancel: cancel}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if m, err := ReadMemory(pid); err == nil {
				p.mu.Lock()
				p.peak = max(p.peak, m.RSS)
				p.mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// Stop ends the sampling and returns the peak VmRSS in bytes.
func (p *PeakSampler) Stop() int64 {
	if p == nil {
		return 0
	}
	p.cancel()
	p.wg.Wait()
	return p.peak
}

// CopyDir copies the regular files of src into dst (a data dir: SQLite files, storage).
func CopyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// LoadAvg is /proc/loadavg's first three fields ("1.20 0.95 0.80").
func LoadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// MB formats bytes as MB (10^6, as `ps` and most dashboards show RSS).
func MB(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/1e6) }
