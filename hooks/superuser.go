package hooks

import (
	"github.com/pocketbase/pocketbase/core"
)

// bindFirstSuperuser creates the superuser from SGUL_ADMIN_EMAIL/SGUL_ADMIN_PASSWORD on
// the first start (containers have no keyboard for the install link). An existing
// superuser with that e-mail is left alone: `sgul superuser upsert` changes passwords.
func bindFirstSuperuser(app core.App, cfg *Config) {
	if cfg.AdminEmail == "" || cfg.AdminPassword == "" {
		return
	}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if _, err := se.App.FindAuthRecordByEmail(core.CollectionNameSuperusers, cfg.AdminEmail); err == nil {
			return se.Next()
		}
		col, err := se.App.FindCachedCollectionByNameOrId(core.CollectionNameSuperusers)
		if err != nil {
			return err
		}
		su := core.NewRecord(col)
		su.SetEmail(cfg.AdminEmail)
		su.SetPassword(cfg.AdminPassword)
		if err := se.App.Save(su); err != nil {
			return err
		}
		se.App.Logger().Info("superuser created from SGUL_ADMIN_EMAIL", "email", cfg.AdminEmail)
		return se.Next()
	})
}
