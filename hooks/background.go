package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/jobs"
)

// bindBackground wires schedules, notifications, campaigns and reports onto the queue.
func bindBackground(app core.App, cfg *Config, q *jobs.Queue) {}
