package hooks

import "github.com/pocketbase/pocketbase/core"

// bindPayroll wires employees, payroll and employee documents.
func bindPayroll(app core.App, cfg *Config) {}
