package reliability

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// Command is `sgul loadtest`: Run with the running binary as the server, on a scratch
// data directory (never the production one). It exits non-zero when an invariant broke.
func Command() *cobra.Command {
	var o Options
	cmd := &cobra.Command{
		Use:   "loadtest",
		Short: "Load, crash and restart a scratch copy of the demo institute, then check every money invariant",
		RunE: func(cmd *cobra.Command, args []string) error {
			bin, err := os.Executable()
			if err != nil {
				return err
			}
			o.Bin, o.Log = bin, os.Stderr
			rep, err := Run(cmd.Context(), o)
			if rep != nil {
				fmt.Fprint(cmd.OutOrStdout(), rep.Text())
			}
			if err != nil {
				return err
			}
			if !rep.OK() {
				return errors.New("loadtest: se encontraron fallas (ver arriba)")
			}
			fmt.Fprintf(cmd.OutOrStdout(), "loadtest: sin fallas; datos en %s\n", rep.DataDir)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Dir, "scratch", "", "scratch data directory (default: a new temporary one)")
	f.IntVar(&o.Clients, "clients", 200, "concurrent clients")
	f.DurationVar(&o.Duration, "duration", 0, "how long the clients run (default 30s)")
	f.IntVar(&o.Kills, "kills", 1, "SIGKILL + restart cycles spread over the run (-1: none)")
	f.IntVar(&o.Leads, "leads", 150, "demo leads")
	f.IntVar(&o.Students, "students", 20, "demo students")
	f.IntVar(&o.MailRate, "mail-rate-campaign", 0, "campaign e-mails per minute (default: sized to outlast the first kill)")
	f.DurationVar(&o.SettleTimeout, "settle", 0, "how long queued jobs may take after the load (default 3m)")
	return cmd
}
