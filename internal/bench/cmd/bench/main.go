// Command bench is SGUL's load benchmark (make bench). It starts SGUL on a copy of a data
// set (sgul demo --scale N) and plain PocketBase with a collection of the same shape as
// pagos, drives both over HTTP on 127.0.0.1 and prints throughput, latency percentiles,
// job durations and memory; --write-md appends the run to docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"sgul/internal/bench"
)

func main() {
	var cfg bench.Config
	var only string
	flag.StringVar(&cfg.SGUL, "sgul", "./sgul", "sgul binary")
	flag.StringVar(&cfg.PlainPB, "plainpb", "", "plain PocketBase binary (internal/bench/plainpb); empty = no comparison")
	flag.StringVar(&cfg.Data, "data", "", "data dir made by `sgul demo --scale N` (copied, never modified)")
	flag.StringVar(&cfg.URL, "url", "", "benchmark an already running SGUL instead (no copy, no memory or start-up figures)")
	flag.StringVar(&cfg.Work, "work", "", "directory for the data copies (default: a temporary one, removed at the end)")
	flag.IntVar(&cfg.Clients, "c", 8, "concurrent clients per scenario")
	flag.IntVar(&cfg.ListC, "list-c", 20, "concurrent clients of the lead list scenario")
	flag.DurationVar(&cfg.ListPace, "list-pace", 2*time.Second, "interval between one client's searches in the paced lead list scenario")
	flag.DurationVar(&cfg.Duration, "d", 20*time.Second, "measured duration of each scenario")
	flag.DurationVar(&cfg.Warmup, "warmup", 3*time.Second, "warm-up before each scenario (not measured)")
	flag.IntVar(&cfg.Rounds, "rounds", 2, "alternating rounds of payment create and plain create")
	flag.IntVar(&cfg.Pool, "pool", 20000, "open cuotas and Pendiente leads fetched for the write scenarios")
	flag.IntVar(&cfg.Campaign, "campaign", 10000, "campaign size (the leads audience closest to it is used)")
	flag.StringVar(&only, "only", "", "comma-separated scenarios to run (default all): signin,leads,leadspaced,leadsexpand,leadstotal,balance,dashboard,estado,pagoslist,leadcreate,convert,pago,report,campaign")
	flag.StringVar(&cfg.WriteMD, "write-md", "", "append the results to this markdown file (docs/benchmarks.md)")
	flag.StringVar(&cfg.Label, "label", "", "label of the run in the markdown (default: commit and scale)")
	flag.StringVar(&cfg.PprofAddr, "pprof-addr", "", "start SGUL with SGUL_PPROF_ADDR=this and collect profiles")
	flag.StringVar(&cfg.PprofScen, "pprof-scenario", "", "scenario id to profile (CPU during the measured part, then heap), e.g. dashboard")
	flag.StringVar(&cfg.PprofOut, "pprof-out", "docs/profiles", "where the profiles go")
	flag.Parse()
	if only != "" {
		cfg.Only = strings.Split(only, ",")
	}
	if cfg.Data == "" && cfg.URL == "" {
		fmt.Fprintln(os.Stderr, "bench: pass --data DIR (sgul demo --scale N --dir DIR) or --url")
		os.Exit(2)
	}
	if cfg.Label == "" {
		cfg.Label = "commit " + bench.GitDescribe(".") + ", data " + cfg.Data + cfg.URL
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := bench.Execute(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
