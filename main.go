// Command sgul is the SGUL back office: one PocketBase binary with the institute's
// schema, automations and business endpoints.
package main

import (
	"embed"
	"io/fs"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"sgul/hooks"
	"sgul/internal/pgmirror"
	_ "sgul/migrations"
)

// publicFiles is the staff portal, built into the binary so it serves from anywhere.
//
//go:embed all:pb_public
var publicFiles embed.FS

func main() {
	app := pocketbase.NewWithConfig(pocketbase.Config{
		DBConnect:        hooks.DBConnect(envInt("SGUL_DB_CACHE_KB", hooks.DefaultDBCacheKB)),
		DataMaxIdleConns: envInt("SGUL_DB_IDLE_CONNS", hooks.DefaultDataMaxIdleConns),
	})

	cfg := hooks.Config{
		AdminEmail:        os.Getenv("SGUL_ADMIN_EMAIL"),
		AdminPassword:     os.Getenv("SGUL_ADMIN_PASSWORD"),
		DueDay:            envInt("SGUL_DUE_DAY", 5),
		Workers:           envInt("SGUL_WORKERS", 2),
		JobLease:          envDuration("SGUL_JOB_LEASE", 0),
		MailRatePerMinute: envInt("SGUL_MAIL_RATE", 120),
		ExpoURL:           os.Getenv("SGUL_EXPO_URL"),
		ExpoAccessToken:   os.Getenv("SGUL_EXPO_ACCESS_TOKEN"),
		FCMCredentials:    os.Getenv("SGUL_FCM_CREDENTIALS"),
		FCMURL:            os.Getenv("SGUL_FCM_URL"),
		PG: pgmirror.Config{
			URL:           os.Getenv("SGUL_POSTGRES_URL"),
			Schema:        os.Getenv("SGUL_POSTGRES_SCHEMA"),
			SecretsSchema: os.Getenv("SGUL_POSTGRES_SECRETS_SCHEMA"),
		},
	}
	pf := app.RootCmd.PersistentFlags()
	pf.IntVar(&cfg.DueDay, "due-day", cfg.DueDay, "day of the month pensiones fall due, 1-28 (env SGUL_DUE_DAY)")
	pf.IntVar(&cfg.Workers, "workers", cfg.Workers, "background job workers (env SGUL_WORKERS)")
	pf.DurationVar(&cfg.JobLease, "job-lease", cfg.JobLease, "how long a claimed job is reserved before another worker may retry it after a crash (default 2m, env SGUL_JOB_LEASE)")
	pf.IntVar(&cfg.MailRatePerMinute, "mail-rate", cfg.MailRatePerMinute, "mass e-mail messages per minute (env SGUL_MAIL_RATE)")
	pf.StringVar(&cfg.ExpoURL, "expo-url", cfg.ExpoURL, "Expo Push endpoint, empty = Expo's (env SGUL_EXPO_URL)")
	pf.StringVar(&cfg.FCMCredentials, "fcm-credentials", cfg.FCMCredentials, "FCM service account JSON file, empty = FCM off (env SGUL_FCM_CREDENTIALS)")
	pf.StringVar(&cfg.FCMURL, "fcm-url", cfg.FCMURL, "FCM HTTP v1 endpoint override (env SGUL_FCM_URL)")
	pf.StringVar(&cfg.PG.URL, "pg-url", cfg.PG.URL, "PostgreSQL to mirror into, empty = minimal mode (env SGUL_POSTGRES_URL)")
	pf.StringVar(&cfg.PG.Schema, "pg-schema", cfg.PG.Schema, "schema of the mirror, default sgul (env SGUL_POSTGRES_SCHEMA)")
	pf.StringVar(&cfg.PG.SecretsSchema, "pg-secrets-schema", cfg.PG.SecretsSchema, "restricted schema for password hashes (disaster recovery), empty = off (env SGUL_POSTGRES_SECRETS_SCHEMA)")
	// PocketBase parses flags only when it runs a command; hooks.Bind needs them now.
	_ = app.RootCmd.ParseFlags(os.Args[1:])

	if sub, err := fs.Sub(publicFiles, "pb_public"); err == nil {
		cfg.Public = sub
	}

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{Automigrate: false})

	hooks.BindPprof(app, os.Getenv("SGUL_PPROF_ADDR")) // loopback only; see docs/benchmarks.md
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

func envDuration(name string, def time.Duration) time.Duration {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	return d
}
