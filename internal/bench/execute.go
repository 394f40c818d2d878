package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Config is the benchmark's command line.
type Config struct {
	SGUL      string // sgul binary
	PlainPB   string // plainpb binary ("" = no plain PocketBase comparison)
	Data      string // data dir to copy (sgul demo --scale N output)
	URL       string // an already running SGUL instead (no copy, no memory figures)
	Work      string // where the copies go ("" = a temp dir, removed at the end)
	Clients   int
	ListC     int           // clients of the lead list scenario
	ListPace  time.Duration // each client's interval in the paced lead list scenario
	Duration  time.Duration
	Warmup    time.Duration
	Rounds    int // rounds of the pago create / plain create pair
	Pool      int // open cuotas and leads fetched for the write scenarios
	Only      []string
	Campaign  int // campaign size
	WriteMD   string
	Label     string
	PprofAddr string // SGUL_PPROF_ADDR for the server ("" = off)
	PprofScen string // scenario to profile
	PprofOut  string // directory for the profiles
}

// scenario is one HTTP scenario.
type scenario struct {
	id      string // for --only and --pprof-scenario
	name    string
	clients int
	op      Op
	target  string
	check   func(Summary) bool
	pace    time.Duration // 0 = closed loop
}

func p99Under(d time.Duration) func(Summary) bool {
	return func(s Summary) bool { return s.Requests > 0 && s.Errors == 0 && s.P99 <= d }
}

func (c *Config) want(name string) bool { return len(c.Only) == 0 || slices.Contains(c.Only, name) }

// Execute runs the benchmark and prints (and optionally appends to WriteMD) its report.
func Execute(ctx context.Context, cfg Config, out io.Writer) error {
	rep := &RunReport{Started: time.Now(), Label: cfg.Label, LoadBefore: LoadAvg(), Clients: cfg.Clients, ListC: cfg.ListC,
		Duration: cfg.Duration, JobTargets: map[string]string{}, JobOK: map[string]bool{}}
	work := cfg.Work
	if work == "" {
		dir, err := os.MkdirTemp("", "sgul_bench_*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		work = dir
	}
	base, pid := cfg.URL, 0
	var srv *Server
	var startSGUL func(addr string) (*Server, error)
	if base == "" {
		dataCopy := filepath.Join(work, "sgul_data")
		fmt.Fprintf(out, "copiando %s a %s...\n", cfg.Data, dataCopy)
		if err := CopyDir(cfg.Data, dataCopy); err != nil {
			return err
		}
		// apply pending migrations first, so start-up is measured as in production
		if out, err := exec.Command(cfg.SGUL, "migrate", "up", "--dev=false", "--dir", dataCopy).CombinedOutput(); err != nil {
			return fmt.Errorf("migrate up: %w: %s", err, out)
		}
		var env []string
		if cfg.PprofAddr != "" {
			env = append(env, "SGUL_PPROF_ADDR="+cfg.PprofAddr)
		}
		startSGUL = func(addr string) (*Server, error) {
			// no mail rate limit: the campaign measures SGUL, not the provider's quota
			return StartServer(cfg.SGUL, dataCopy, addr, env, []string{"--mail-rate", "1000000"}, time.Minute)
		}
		var err error
		if srv, err = startSGUL(""); err != nil {
			return err
		}
		defer func() { srv.Stop() }()
		base, pid = srv.URL, srv.Pid()
		rep.Startup = srv.Startup
		time.Sleep(2 * time.Second)
		m, _ := ReadMemory(pid)
		rep.IdleRSS = m.RSS
		fmt.Fprintf(out, "SGUL listo en %s (idle RSS %s) en %s\n", srv.Startup.Round(time.Millisecond), MB(m.RSS), base)
	}
	client := NewClient(base, max(cfg.Clients, cfg.ListC))
	sg, err := PrepareSGUL(ctx, client, cfg.Pool)
	if err != nil {
		return err
	}
	defer sg.Close()
	rep.Data = dataCounts(ctx, sg)
	fmt.Fprintf(out, "datos: %s\n", rep.Data)

	var plain *Plain
	var plainSrv *Server
	if cfg.PlainPB != "" {
		plainDir := filepath.Join(work, "plain_data")
		schema := filepath.Join(work, "pagos_schema.json")
		if err := sg.ExportPagosSchema(ctx, schema); err != nil {
			return err
		}
		p, err := List[map[string]any](ctx, client, sg.Superuser, "pagos", url.Values{"perPage": {"1"}, "fields": {"id"}})
		if err != nil {
			return err
		}
		if err := SetupPlain(cfg.PlainPB, plainDir, schema, p.TotalItems); err != nil {
			return err
		}
		plainSrv, err = StartServer(cfg.PlainPB, plainDir, "", nil, nil, time.Minute)
		if err != nil {
			return err
		}
		defer plainSrv.Stop()
		if plain, err = PreparePlain(ctx, NewClient(plainSrv.URL, max(cfg.Clients, cfg.ListC))); err != nil {
			return err
		}
		plain.Matriculas = PlainMatriculasFor(p.TotalItems)
		fmt.Fprintf(out, "PocketBase sin SGUL listo en %s con %d pagos\n", plainSrv.URL, p.TotalItems)
	}

	// Background jobs first, each on a freshly restarted server, so that a job's peak
	// memory is its own and not what the load scenarios (and the push jobs their payments
	// queue) or the previous job left in the caches.
	restart := func() error {
		if srv == nil {
			return nil
		}
		srv.Stop()
		var err error
		if srv, err = startSGUL(srv.Addr); err != nil {
			return err
		}
		pid = srv.Pid()
		if rep.Startup2 == 0 {
			rep.Startup2 = srv.Startup
		}
		time.Sleep(2 * time.Second)
		m, _ := ReadMemory(pid)
		if rep.IdleRSSRestart == 0 {
			rep.IdleRSSRestart = m.RSS
		}
		fmt.Fprintf(out, "SGUL reiniciado en %s (RSS %s)\n", srv.Startup.Round(time.Millisecond), MB(m.RSS))
		return nil
	}
	today := time.Now().Format("2006-01-02")
	if cfg.want("campaign") {
		if err := restart(); err != nil {
			return err
		}
		j := sg.Campaign(ctx, pid, cfg.Campaign)
		j.Name = fmt.Sprintf("campaign (at least %d e-mails)", cfg.Campaign)
		rep.JobTargets[j.Name] = "≤ 60 s per 10,000, RSS ≤ 150 MB"
		per10k := time.Duration(float64(j.Duration) * 10000 / float64(max(j.Recipients, 1)))
		rep.JobOK[j.Name] = j.Err == nil && j.Recipients >= cfg.Campaign && per10k <= 60*time.Second && (pid == 0 || j.PeakRSS <= 150e6)
		rep.Jobs = append(rep.Jobs, j)
		fmt.Fprintf(out, "%s: %s, RSS %s, %s %v\n", j.Name, j.Duration.Round(time.Millisecond), MB(j.PeakRSS), j.Detail, j.Err)
	}
	if cfg.want("report") {
		for _, r := range []struct{ tipo, name, target string }{
			{"balance", "XLSX balance report (year)", "≤ 20 s, RSS ≤ 300 MB"},
			{"ingresos", "XLSX ingresos report (year, every row)", ""},
		} {
			if err := restart(); err != nil {
				return err
			}
			j := sg.Report(ctx, pid, r.tipo, map[string]string{"desde": today[:4] + "-01-01", "hasta": today})
			j.Name = r.name
			if r.target != "" {
				rep.JobTargets[j.Name] = r.target
				rep.JobOK[j.Name] = j.Err == nil && j.Duration <= 20*time.Second && (pid == 0 || j.PeakRSS <= 300e6)
			}
			rep.Jobs = append(rep.Jobs, j)
			fmt.Fprintf(out, "%s: %s, RSS %s %v\n", j.Name, j.Duration.Round(time.Millisecond), MB(j.PeakRSS), j.Err)
		}
	}

	C := cfg.Clients
	scenarios := []scenario{
		{"signin", "staff sign-in", C, sg.SignIn, "", nil, 0},
		{"leads", "lead list (search + filters; skipTotal, no expand)", cfg.ListC, sg.LeadList, "p99 ≤ 50 ms", p99Under(50 * time.Millisecond), 0},
		{"leadspaced", fmt.Sprintf("lead list, %d staff each searching every %s", cfg.ListC, cfg.ListPace), cfg.ListC, sg.LeadList, "p99 ≤ 50 ms", p99Under(50 * time.Millisecond), cfg.ListPace},
		{"leadsexpand", "lead list, skipTotal + 4 expands", cfg.ListC, sg.LeadListExpand, "", nil, 0},
		{"leadstotal", "lead list with total count + 4 expands (the portal's request until 2026-11-26)", cfg.ListC, sg.LeadListTotal, "", nil, 0},
		{"balance", "balance per sede", C, sg.Balance, "p99 ≤ 20 ms", p99Under(20 * time.Millisecond), 0},
		{"dashboard", "dashboard", C, sg.Dashboard, "p99 ≤ 100 ms", p99Under(100 * time.Millisecond), 0},
		{"estado", "estado de cuenta", C, sg.EstadoCuenta, "", nil, 0},
		{"pagoslist", "pagos of a matrícula (list)", C, sg.PagosList, "", nil, 0},
		{"leadcreate", "lead create", C, sg.LeadCreate, "", nil, 0},
		{"convert", "conversion", C, sg.Convert, "", nil, 0},
	}
	for _, sc := range scenarios {
		if !cfg.want(sc.id) {
			continue
		}
		rep.Rows = append(rep.Rows, runScenario(ctx, cfg, out, sc, base))
	}
	if plain != nil && cfg.want("signin") {
		rep.Rows = append(rep.Rows, runScenario(ctx, cfg, out, scenario{"plainsignin", "plain PB sign-in", C, plain.SignIn, "", nil, 0}, ""))
	}

	// Payment create against plain create, alternating so that both see the same machine.
	if cfg.want("pago") {
		var pago, pl Latencies
		var pagoT, plT time.Duration
		for round := 0; round < max(cfg.Rounds, 1); round++ {
			fmt.Fprintf(out, "payment create, ronda %d...\n", round+1)
			if round == 0 && cfg.PprofScen == "pago" && cfg.PprofAddr != "" {
				pagoT += profiled(ctx, cfg, out, "pago", func() time.Duration { return measure(ctx, cfg, sg.PagoCreate, C, &pago, false) },
					func() { drive(ctx, C, cfg.Warmup, sg.PagoCreate, nil) })
			} else {
				pagoT += measure(ctx, cfg, sg.PagoCreate, C, &pago, round == 0)
			}
			if plain != nil {
				fmt.Fprintf(out, "plain PB create, ronda %d...\n", round+1)
				plT += measure(ctx, cfg, plain.Create, C, &pl, round == 0)
			}
		}
		sp := pago.Summarize(pagoT)
		row := Row{Name: "payment create (all automations)", Clients: C, Summary: sp}
		if plain != nil && plT > 0 {
			spl := pl.Summarize(plT)
			ratio := sp.Throughput / spl.Throughput
			row.Target = "≥ 70 % of plain create"
			row.Check = func(Summary) bool { return ratio >= 0.70 }
			rep.Rows = append(rep.Rows, row, Row{Name: "plain PB create (same shape)", Clients: C, Summary: spl})
			rep.Ratios = append(rep.Ratios, fmt.Sprintf("payment create / plain PocketBase create throughput = %.0f %% (%.1f vs %.1f req/s, same run, alternating rounds)",
				100*ratio, sp.Throughput, spl.Throughput))
		} else {
			rep.Rows = append(rep.Rows, row)
		}
	}
	if plain != nil && cfg.want("pagoslist") {
		row := runScenario(ctx, cfg, out, scenario{"plainlist", "plain PB list (same shape)", C, plain.List, "", nil, 0}, "")
		rep.Rows = append(rep.Rows, row)
		for _, r := range rep.Rows {
			if r.Name == "pagos of a matrícula (list)" && row.Throughput > 0 {
				rep.Ratios = append(rep.Ratios, fmt.Sprintf("pagos list (SGUL's API rule) / plain PocketBase list throughput = %.0f %%", 100*r.Throughput/row.Throughput))
			}
		}
	}
	usedC, usedL := sg.Used()
	rep.Notes = append(rep.Notes, fmt.Sprintf("write pools used: %d cuotas paid, %d leads converted", usedC, usedL))

	if plainSrv != nil {
		plainSrv.Stop()
	}
	if pid > 0 {
		m, _ := ReadMemory(pid)
		rep.RSSAfterLoad = m.RSS
	}
	if pid > 0 {
		time.Sleep(3 * time.Second)
		m, _ := ReadMemory(pid)
		rep.IdleRSS2 = m.RSS
		rep.JobTargets["startup"], rep.JobTargets["idle"] = "≤ 1 s", "≤ 80 MB"
		rep.JobOK["startup"] = rep.Startup <= time.Second && (rep.Startup2 == 0 || rep.Startup2 <= time.Second)
		rep.JobOK["idle"] = rep.IdleRSS <= 80e6
	}
	rep.LoadAfter = LoadAvg()
	rep.Print(out)
	if cfg.WriteMD != "" {
		if err := rep.AppendMarkdown(cfg.WriteMD); err != nil {
			return err
		}
		fmt.Fprintf(out, "añadido a %s\n", cfg.WriteMD)
	}
	return nil
}

// measure runs op once (with warm-up when warm) adding its samples to into; it returns
// the measured wall time.
func measure(ctx context.Context, cfg Config, op Op, clients int, into *Latencies, warm bool) time.Duration {
	if warm && cfg.Warmup > 0 {
		drive(ctx, clients, cfg.Warmup, op, nil)
	}
	lat := &Latencies{}
	el := drive(ctx, clients, cfg.Duration, op, lat)
	into.merge(lat)
	return el
}

// runScenario runs one scenario; when it is the one to profile, it collects a CPU
// profile (for the measured part) and a heap profile from the server's pprof listener.
func runScenario(ctx context.Context, cfg Config, out io.Writer, sc scenario, base string) Row {
	fmt.Fprintf(out, "%s (%d clientes)...\n", sc.name, sc.clients)
	var s Summary
	if cfg.PprofScen == sc.id && cfg.PprofAddr != "" && base != "" {
		profiled(ctx, cfg, out, sc.id, func() time.Duration {
			s = Run(ctx, Load{Clients: sc.clients, Duration: cfg.Duration, Pace: sc.pace}, sc.op)
			return s.Elapsed
		}, func() { drive(ctx, sc.clients, cfg.Warmup, sc.op, nil) })
	} else {
		s = Run(ctx, Load{Clients: sc.clients, Duration: cfg.Duration, Warmup: cfg.Warmup, Pace: sc.pace}, sc.op)
	}
	fmt.Fprintf(out, "  %.1f req/s, p50 %s, p95 %s, p99 %s, errores %d\n", s.Throughput, ms(s.P50), ms(s.P95), ms(s.P99), s.Errors)
	if s.Errors > 0 {
		fmt.Fprintf(out, "  último error: %s\n", s.LastError)
	}
	return Row{Name: sc.name, Clients: sc.clients, Summary: s, Target: sc.target, Check: sc.check}
}

// profiled warms up, then runs measured while the server records a CPU profile
// (<id>.cpu.pb.gz), then saves a heap profile (<id>.heap.pb.gz).
func profiled(ctx context.Context, cfg Config, out io.Writer, id string, measured func() time.Duration, warmup func()) time.Duration {
	if cfg.Warmup > 0 {
		warmup()
	}
	done := make(chan error, 1)
	go func() {
		done <- fetchProfile(ctx, cfg, fmt.Sprintf("profile?seconds=%d", int(cfg.Duration.Seconds())), id+".cpu.pb.gz")
	}()
	time.Sleep(100 * time.Millisecond)
	el := measured()
	if err := <-done; err != nil {
		fmt.Fprintf(out, "pprof cpu: %v\n", err)
	}
	if err := fetchProfile(ctx, cfg, "heap", id+".heap.pb.gz"); err != nil {
		fmt.Fprintf(out, "pprof heap: %v\n", err)
	}
	return el
}

func fetchProfile(ctx context.Context, cfg Config, what, file string) error {
	if err := os.MkdirAll(cfg.PprofOut, 0o755); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+cfg.PprofAddr+"/debug/pprof/"+what, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof %s: %s", what, resp.Status)
	}
	f, err := os.Create(filepath.Join(cfg.PprofOut, file))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}

// dataCounts describes the data set (row counts of the main collections).
func dataCounts(ctx context.Context, s *SGUL) string {
	var parts []string
	for _, c := range []string{"leads", "alumnos", "matriculas", "cuotas", "pagos", "ingresos", "planillas"} {
		p, err := List[map[string]any](ctx, s.C, s.Superuser, c, url.Values{"perPage": {"1"}, "fields": {"id"}})
		if err != nil {
			parts = append(parts, c+" ?")
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s", p.TotalItems, c))
	}
	return strings.Join(parts, ", ")
}

// GitDescribe is the short commit of dir's repository, "+dirty" when it has changes.
func GitDescribe(dir string) string {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "?"
	}
	d := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", dir, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		d += "+cambios"
	}
	return d
}
