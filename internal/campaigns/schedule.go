package campaigns

import (
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/jobs"
)

// sendMaxAttempts lets a campaign ride out an SMTP outage of several hours (the queue's
// backoff grows to 30 minutes between attempts).
const sendMaxAttempts = 50

type sendPayload struct {
	Campana      string `json:"campana"`
	Programacion int    `json:"programacion"`
}

// NeedsScheduling reports whether a save of c (before is nil for a new record) makes it
// due to be sent: it became Programada, or its date changed while Programada.
func NeedsScheduling(before, after *core.Record) bool {
	if after.GetString("estado") != Programada {
		return false
	}
	return before == nil || before.GetString("estado") != Programada ||
		!before.GetDateTime("programada_para").Equal(after.GetDateTime("programada_para"))
}

// PrepareScheduling bumps the campaign's programacion before it is saved, so that the
// job Schedule enqueues is the only one that will act on it.
func PrepareScheduling(c *core.Record) {
	c.Set("programacion", c.GetInt("programacion")+1)
}

// Schedule enqueues, with tx (the campaign save's transaction), the job that sends c at
// its programada_para (now when empty or past).
func Schedule(tx core.App, c *core.Record) error {
	opts := []jobs.Option{
		jobs.WithKey("campana:" + c.Id + ":" + strconv.Itoa(c.GetInt("programacion"))),
		jobs.WithMaxAttempts(sendMaxAttempts),
	}
	if at := c.GetDateTime("programada_para"); !at.IsZero() && at.Time().After(time.Now()) {
		opts = append(opts, jobs.WithAt(at.Time()))
	}
	_, err := jobs.Enqueue(tx, JobEnviar, sendPayload{Campana: c.Id, Programacion: c.GetInt("programacion")}, opts...)
	return err
}
