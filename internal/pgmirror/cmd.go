package pgmirror

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Command returns the `pg` operator command (status, resync, verify,
// rebuild-sqlite). cfg is read when a subcommand runs, after flag parsing.
func Command(app core.App, cfg *Config) *cobra.Command {
	root := &cobra.Command{
		Use:   "pg",
		Short: "PostgreSQL mirror: status, resync, verify, rebuild-sqlite",
	}
	root.AddCommand(statusCmd(app, cfg), resyncCmd(app, cfg), verifyCmd(app, cfg), rebuildCmd(cfg))
	return root
}

var errDisabled = errors.New("PostgreSQL mode is off: set --pg-url or SGUL_POSTGRES_URL")

func enabledConfig(cfg *Config) (Config, error) {
	if cfg == nil || !cfg.Enabled() {
		return Config{}, errDisabled
	}
	return cfg.withDefaults()
}

// signalContext is cancelled on Ctrl+C, so long commands stop cleanly (and resume later).
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

func statusCmd(app core.App, cfg *Config) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show epoch, sequences, lag, pending resyncs and per-collection counts",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := enabledConfig(cfg)
			if err != nil {
				return err
			}
			ctx, cancel := signalContext()
			defer cancel()
			st, err := ReadStatus(ctx, app, c, true)
			if err != nil {
				return err
			}
			printStatus(cmd, st)
			return nil
		},
	}
}

func printStatus(cmd *cobra.Command, st *Status) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "schema:        %s\n", st.Schema)
	fmt.Fprintf(w, "epoch:         sqlite=%s postgres=%s\n", st.Epoch, st.PGEpoch)
	fmt.Fprintf(w, "sequence:      sqlite=%d applied=%d\n", st.SQLiteSeq, st.AppliedSeq)
	fmt.Fprintf(w, "lag:           %d events, %.1f s\n", st.LagEvents, st.LagSeconds)
	if st.LastAppliedAt != nil {
		fmt.Fprintf(w, "last applied:  %s\n", st.LastAppliedAt.UTC().Format("2006-01-02 15:04:05Z"))
	}
	fmt.Fprintf(w, "relay running: %v\n", st.RelayRunning)
	for _, r := range st.Resyncs {
		fmt.Fprintf(w, "resync:        %s (%d rows so far, since %s)\n", r.Collection, r.RowsDone, r.StartedAt.UTC().Format("15:04:05Z"))
	}
	fmt.Fprintf(w, "%-28s %10s %10s\n", "collection", "sqlite", "postgres")
	for _, c := range st.Collections {
		fmt.Fprintf(w, "%-28s %10d %10d\n", c.Name, c.SQLite, c.PG)
	}
}

func resyncCmd(app core.App, cfg *Config) *cobra.Command {
	var collection string
	cmd := &cobra.Command{
		Use:   "resync",
		Short: "Copy every row again (keyset chunks, resumable, interleaved with live changes)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := enabledConfig(cfg)
			if err != nil {
				return err
			}
			ctx, cancel := signalContext()
			defer cancel()
			if err := EnqueueResync(app, collection); err != nil {
				return err
			}
			return runResync(ctx, app, c, cmd)
		},
	}
	cmd.Flags().StringVar(&collection, "collection", "", "resync only this collection (name or id)")
	return cmd
}

// runResync applies the queued resync with an own relay, or, when the server's
// relay holds the lock, follows its progress.
func runResync(ctx context.Context, app core.App, cfg Config, cmd *cobra.Command) error {
	w := cmd.OutOrStdout()
	r, err := NewRelay(app, cfg)
	if err != nil {
		return err
	}
	defer r.Close()
	err = r.Open(ctx)
	if errors.Is(err, errLocked) {
		fmt.Fprintln(w, "the running server's relay does the resync; following its progress (Ctrl+C stops watching)")
		for ctx.Err() == nil {
			st, err := ReadStatus(ctx, app, cfg, false)
			if err != nil {
				return err
			}
			for _, rs := range st.Resyncs {
				fmt.Fprintf(w, "resync %s: %d rows\n", rs.Collection, rs.RowsDone)
			}
			if len(st.Resyncs) == 0 && st.LagEvents == 0 {
				fmt.Fprintln(w, "resync done")
				return nil
			}
			sleep(ctx, 2*time.Second)
		}
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	last := time.Time{}
	err = r.Drain(ctx, func(applied int64, jobs []resyncJob) {
		if time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		for _, j := range jobs {
			name := j.CollectionID
			if t := r.meta[j.CollectionID]; t != nil {
				name = t.Name
			}
			fmt.Fprintf(w, "resync %s: %d rows (outbox applied up to %d)\n", name, j.RowsDone, applied)
		}
	})
	if err != nil {
		return fmt.Errorf("resync interrupted (run it again to resume): %w", err)
	}
	fmt.Fprintf(w, "resync done; outbox applied up to %d\n", r.applied)
	return nil
}

func verifyCmd(app core.App, cfg *Config) *cobra.Command {
	var opts VerifyOptions
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Compare counts and hashes per collection; exit code 0 only if all are equal",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := enabledConfig(cfg)
			if err != nil {
				return err
			}
			ctx, cancel := signalContext()
			defer cancel()
			opts.Progress = cmd.OutOrStdout()
			rep, err := Verify(ctx, app, c, opts)
			if err != nil {
				return err
			}
			if !rep.OK {
				n := 0
				for _, c := range rep.Collections {
					if !c.Equal {
						n++
					}
				}
				return fmt.Errorf("verify: %d collection(s) differ at sequence %d", n, rep.Seq)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "verify: all %d collections equal at sequence %d\n", len(rep.Collections), rep.Seq)
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.Repair, "repair", false, "resync the collections that differ and verify again")
	cmd.Flags().StringVar(&opts.Collection, "collection", "", "verify only this collection")
	cmd.Flags().DurationVar(&opts.Wait, "wait", 2*time.Minute, "how long to wait for the relay to catch up")
	return cmd
}

func rebuildCmd(cfg *Config) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "rebuild-sqlite",
		Short: "Disaster recovery: write a fresh pb_data rebuilt from PostgreSQL into --out",
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := enabledConfig(cfg)
			if err != nil {
				return err
			}
			ctx, cancel := signalContext()
			defer cancel()
			rep, err := RebuildSQLite(ctx, c, out, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			if !rep.OK {
				return fmt.Errorf("rebuild-sqlite: the rebuilt data differs from PostgreSQL")
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "rebuilt %s (secrets restored: %v)\n", rep.Dir, rep.Secrets)
			fmt.Fprintln(w, "next: copy pb_data/storage (files) from its own backup, run `sgul superuser upsert`, then start with --dir", rep.Dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "empty directory for the new pb_data (required)")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}
