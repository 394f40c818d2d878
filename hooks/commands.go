package hooks

import (
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/spf13/cobra"

	"sgul/internal/demo"
	"sgul/internal/pgmirror"
	"sgul/internal/reliability"
)

// RegisterCommands adds SGUL's CLI commands next to PocketBase's own (serve, migrate, superuser).
func RegisterCommands(app *pocketbase.PocketBase, cfg *Config) {
	var opts demo.Options
	var scale int
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Load the demo institute (idempotent; honours --dir)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("migrations: %w", err)
			}
			if scale > 0 {
				_, err := demo.LoadScale(app, scale, cmd.OutOrStdout())
				return err
			}
			return demo.Load(app, opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().IntVar(&opts.Leads, "leads", 200, "number of leads")
	cmd.Flags().IntVar(&opts.Students, "students", 50, "number of students (converted leads)")
	cmd.Flags().IntVar(&scale, "scale", 0, "grow the demo to N times its size through the domain code (resumable; e.g. 500 = ~100k leads, 500k pagos)")
	app.RootCmd.AddCommand(cmd, healthcheckCommand(), pgmirror.Command(app, &cfg.PG), reliability.Command())
}

// healthcheckCommand probes /api/health (the container image has no curl).
func healthcheckCommand() *cobra.Command {
	var url string
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 when the server answers /api/health",
		RunE: func(cmd *cobra.Command, args []string) error {
			client := &http.Client{Timeout: 3 * time.Second}
			resp, err := client.Get(url)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("health: status %d", resp.StatusCode)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "http://127.0.0.1:8090/api/health", "health endpoint")
	return cmd
}
