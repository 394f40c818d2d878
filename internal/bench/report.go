package bench

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Row is one measured scenario with its target.
type Row struct {
	Name    string
	Clients int
	Summary
	Target string // e.g. "p99 ≤ 50 ms"; checked by Check
	Check  func(Summary) bool
}

// Run is everything one benchmark run measured.
type RunReport struct {
	Started           time.Time
	Label             string
	LoadBefore        string
	LoadAfter         string
	Data              string // data set description (row counts)
	Clients, ListC    int
	Duration          time.Duration
	Rows              []Row
	Jobs              []JobResult
	JobTargets        map[string]string // job name -> target text
	JobOK             map[string]bool
	Startup, Startup2 time.Duration // first start, restart before the jobs
	IdleRSS, IdleRSS2 int64         // after start-up, after the run
	IdleRSSRestart    int64         // after the restart before the jobs
	RSSAfterLoad      int64         // after the load scenarios
	Ratios            []string
	Notes             []string
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000)
}

func verdict(ok bool, target string) string {
	if target == "" {
		return ""
	}
	if ok {
		return "✅ " + target
	}
	return "❌ " + target
}

// Markdown renders the run as a section of docs/benchmarks.md.
func (r *RunReport) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### %s · %s\n\n", r.Started.UTC().Format("2006-01-02 15:04 UTC"), r.Label)
	fmt.Fprintf(&b, "Load average (1/5/15 min) before %s, after %s. %d clients per scenario (lead list: %d), %s measured after a warm-up. Data: %s.\n\n",
		r.LoadBefore, r.LoadAfter, r.Clients, r.ListC, r.Duration, r.Data)
	b.WriteString("| scenario | clients | requests | req/s | p50 | p95 | p99 | max | errors | target |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, row := range r.Rows {
		ok := row.Check != nil && row.Check(row.Summary)
		fmt.Fprintf(&b, "| %s | %d | %d | %.1f | %s | %s | %s | %s | %d | %s |\n", row.Name, row.Clients, row.Requests,
			row.Throughput, ms(row.P50), ms(row.P95), ms(row.P99), ms(row.Max), row.Errors, verdict(ok, row.Target))
	}
	b.WriteString("\n| job / process | duration | peak RSS | detail | target |\n|---|---|---|---|---|\n")
	for _, j := range r.Jobs {
		detail := j.Detail
		if j.Err != nil {
			detail += " — error: " + j.Err.Error()
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", j.Name, j.Duration.Round(10*time.Millisecond), MB(j.PeakRSS), detail,
			verdict(r.JobOK[j.Name], r.JobTargets[j.Name]))
	}
	if r.Startup > 0 {
		fmt.Fprintf(&b, "| start-up to ready | %s | | `serve` until /api/health answers; restart before the jobs: %s | %s |\n", r.Startup.Round(time.Millisecond),
			r.Startup2.Round(time.Millisecond), verdict(r.JobOK["startup"], r.JobTargets["startup"]))
		fmt.Fprintf(&b, "| idle RSS | | %s | 2 s after start-up (%s after the restart); %s after the load scenarios, %s after the jobs | %s |\n",
			MB(r.IdleRSS), MB(r.IdleRSSRestart), MB(r.RSSAfterLoad), MB(r.IdleRSS2), verdict(r.JobOK["idle"], r.JobTargets["idle"]))
	}
	if len(r.Ratios) > 0 {
		b.WriteString("\n")
		for _, x := range r.Ratios {
			b.WriteString("- " + x + "\n")
		}
	}
	for _, n := range r.Notes {
		b.WriteString("- " + n + "\n")
	}
	return b.String()
}

// Print writes a plain-text table to w.
func (r *RunReport) Print(w io.Writer) {
	fmt.Fprintf(w, "\n%-22s %4s %8s %9s %9s %9s %9s %6s  %s\n", "scenario", "C", "req", "req/s", "p50", "p95", "p99", "err", "target")
	for _, row := range r.Rows {
		ok := row.Check != nil && row.Check(row.Summary)
		fmt.Fprintf(w, "%-22s %4d %8d %9.1f %9s %9s %9s %6d  %s\n", row.Name, row.Clients, row.Requests, row.Throughput,
			ms(row.P50), ms(row.P95), ms(row.P99), row.Errors, verdict(ok, row.Target))
		if row.Errors > 0 {
			fmt.Fprintf(w, "    last error: %s\n", row.LastError)
		}
	}
	for _, j := range r.Jobs {
		fmt.Fprintf(w, "%-22s %s, peak RSS %s, %s %s", j.Name, j.Duration.Round(10*time.Millisecond), MB(j.PeakRSS), j.Detail,
			verdict(r.JobOK[j.Name], r.JobTargets[j.Name]))
		if j.Err != nil {
			fmt.Fprintf(w, " error: %v", j.Err)
		}
		fmt.Fprintln(w)
	}
	if r.Startup > 0 {
		fmt.Fprintf(w, "start-up %s (restart %s) %s; idle RSS %s (restart %s; after load %s; after the jobs %s) %s\n", r.Startup.Round(time.Millisecond),
			r.Startup2.Round(time.Millisecond), verdict(r.JobOK["startup"], r.JobTargets["startup"]), MB(r.IdleRSS), MB(r.IdleRSSRestart),
			MB(r.RSSAfterLoad), MB(r.IdleRSS2), verdict(r.JobOK["idle"], r.JobTargets["idle"]))
	}
	for _, x := range r.Ratios {
		fmt.Fprintln(w, x)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, n)
	}
	fmt.Fprintf(w, "load average before %s, after %s\n", r.LoadBefore, r.LoadAfter)
}

// AppendMarkdown appends the run to path (docs/benchmarks.md), below the earlier runs.
func (r *RunReport) AppendMarkdown(path string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(r.Markdown())
	return err
}
