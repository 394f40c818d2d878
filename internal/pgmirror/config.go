package pgmirror

import (
	"errors"
	"regexp"
	"time"
)

// Config configures the PostgreSQL mirror. Its zero value disables the mirror.
type Config struct {
	// URL is the PostgreSQL connection string (--pg-url / SGUL_POSTGRES_URL).
	// Empty means minimal mode: no PostgreSQL is touched.
	URL string
	// Schema is the PostgreSQL schema that holds the mirror (default "sgul").
	Schema string
	// BatchSize is the maximum number of outbox events applied per PostgreSQL
	// transaction and the row count of one resync chunk (default 500).
	BatchSize int
	// PollInterval is how often an idle relay looks for new outbox events (default 500ms).
	PollInterval time.Duration
	// SecretsSchema, when not empty, names a restricted schema (e.g. "sgul_secrets")
	// that receives the password hashes and tokenKeys of the auth collections, the
	// full collection definitions and the app settings, for a disaster-recovery
	// rebuild. Empty disables it.
	SecretsSchema string
}

// DefaultSchema is the PostgreSQL schema used when Config.Schema is empty.
const DefaultSchema = "sgul"

const (
	defaultBatchSize    = 500
	defaultPollInterval = 500 * time.Millisecond
)

var identRe = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,40}$`)

// Enabled reports whether the PostgreSQL mode is configured.
func (c Config) Enabled() bool { return c.URL != "" }

// withDefaults returns c with every unset option filled and validates the schema names.
func (c Config) withDefaults() (Config, error) {
	if c.Schema == "" {
		c.Schema = DefaultSchema
	}
	if c.BatchSize <= 0 {
		c.BatchSize = defaultBatchSize
	}
	if c.PollInterval <= 0 {
		c.PollInterval = defaultPollInterval
	}
	if !identRe.MatchString(c.Schema) {
		return c, errors.New("pgmirror: schema must match [a-z_][a-z0-9_]*")
	}
	if c.SecretsSchema != "" && (!identRe.MatchString(c.SecretsSchema) || c.SecretsSchema == c.Schema) {
		return c, errors.New("pgmirror: secrets schema must match [a-z_][a-z0-9_]* and differ from the mirror schema")
	}
	return c, nil
}
