package migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Manual ledger rows may leave origen out: the server sets it to Manual (the create rule
// was checked before that, so a body without origen was refused). A row that claims
// another origen is still refused.
const (
	ledgerOrigenManual   = "origen = 'Manual'"
	ledgerOrigenOptional = "(origen = '' || origen = 'Manual')"
)

func init() {
	m.Register(func(app core.App) error {
		return setLedgerCreateOrigen(app, ledgerOrigenManual, ledgerOrigenOptional)
	}, func(app core.App) error {
		return setLedgerCreateOrigen(app, ledgerOrigenOptional, ledgerOrigenManual)
	})
}

func setLedgerCreateOrigen(app core.App, from, to string) error {
	for _, name := range []string{"ingresos", "gastos"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		if c.CreateRule == nil {
			continue
		}
		rule := strings.Replace(*c.CreateRule, from, to, 1)
		c.CreateRule = &rule
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}
