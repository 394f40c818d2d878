package hooks

import "github.com/pocketbase/pocketbase/core"

// bindAcademic wires programs, curricula, grades, attendance and the student's view.
func bindAcademic(app core.App, cfg *Config) {}
