// Command sgul is the SGUL back office: one PocketBase binary with the institute's
// schema, automations and business endpoints.
package main

import (
	"log"
	"os"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"sgul/hooks"
	_ "sgul/migrations"
)

func main() {
	app := pocketbase.New()

	cfg := hooks.Config{
		AdminEmail:    os.Getenv("SGUL_ADMIN_EMAIL"),
		AdminPassword: os.Getenv("SGUL_ADMIN_PASSWORD"),
		DueDay:        envInt("SGUL_DUE_DAY", 5),
	}
	app.RootCmd.PersistentFlags().IntVar(&cfg.DueDay, "due-day", cfg.DueDay, "day of the month pensiones fall due (1-28) (env SGUL_DUE_DAY)")

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{Automigrate: false})

	if err := hooks.Bind(app, &cfg); err != nil {
		log.Fatal(err)
	}
	hooks.RegisterCommands(app, &cfg)

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

func envInt(name string, def int) int {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	return n
}
