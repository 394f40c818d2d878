// Command plainpb is plain PocketBase (no SGUL hooks, routes or migrations) for the load
// benchmark's baseline. Besides PocketBase's own commands it has `setup`, which creates
// a `pagos` collection with the fields and indexes of SGUL's (read from a JSON export),
// the collections its relations point to with one record each, a superuser, a user, and
// optionally N rows inserted directly, so that both servers work on tables of one size.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

func main() {
	app := pocketbase.New()
	app.RootCmd.AddCommand(setupCommand(app))
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

func setupCommand(app *pocketbase.PocketBase) *cobra.Command {
	var schema, superuser, user, password string
	var rows, matriculas int
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Create the benchmark's pagos collection (same shape as SGUL's), accounts and rows",
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := os.ReadFile(schema)
			if err != nil {
				return err
			}
			var in struct {
				Collection json.RawMessage   `json:"collection"`
				Names      map[string]string `json:"names"` // SGUL collection id -> name
			}
			if err := json.Unmarshal(raw, &in); err != nil {
				return err
			}
			return app.RunInTransaction(func(tx core.App) error {
				return setup(tx, in.Collection, in.Names, superuser, user, password, rows, max(matriculas, 1))
			})
		},
	}
	cmd.Flags().StringVar(&schema, "schema", "", "JSON export of SGUL's pagos collection")
	cmd.Flags().StringVar(&superuser, "superuser", "", "superuser e-mail")
	cmd.Flags().StringVar(&user, "user", "", "users e-mail")
	cmd.Flags().StringVar(&password, "password", "", "password of both accounts")
	cmd.Flags().IntVar(&rows, "rows", 0, "pagos rows to insert")
	cmd.Flags().IntVar(&matriculas, "matriculas", 30000, "matrícula ids the rows are spread over (pbm000000000042...)")
	return cmd
}

func setup(tx core.App, raw json.RawMessage, names map[string]string, superuser, user, password string, rows, matriculas int) error {
	if _, err := tx.FindCollectionByNameOrId("pagos"); err == nil {
		return nil // already set up
	}
	su, err := tx.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	s := core.NewRecord(su)
	s.SetEmail(superuser)
	s.SetPassword(password)
	if err := tx.Save(s); err != nil {
		return err
	}
	users, err := tx.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	u := core.NewRecord(users)
	u.SetEmail(user)
	u.SetPassword(password)
	u.SetVerified(true)
	if err := tx.Save(u); err != nil {
		return err
	}

	pagos := core.NewBaseCollection("pagos")
	if err := json.Unmarshal(raw, pagos); err != nil {
		return err
	}
	pagos.Id = ""
	refs := map[string]string{} // target name -> record id
	for _, f := range pagos.Fields {
		rel, ok := f.(*core.RelationField)
		if !ok {
			continue
		}
		name := names[rel.CollectionId]
		if name == "users" {
			rel.CollectionId = users.Id
			continue
		}
		target, err := tx.FindCollectionByNameOrId(name)
		if err != nil {
			target = core.NewBaseCollection(name)
			target.Fields.Add(&core.TextField{Name: "nombre"})
			rule := "@request.auth.id != ''"
			target.ListRule, target.ViewRule = &rule, &rule
			if err := tx.Save(target); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			r := core.NewRecord(target)
			r.Set("nombre", "bench")
			if err := tx.Save(r); err != nil {
				return err
			}
			refs[name] = r.Id
		}
		rel.CollectionId = target.Id
	}
	rule := "@request.auth.id != ''"
	pagos.ListRule, pagos.ViewRule, pagos.CreateRule = &rule, &rule, &rule
	pagos.UpdateRule, pagos.DeleteRule = nil, nil
	if err := tx.Save(pagos); err != nil {
		return fmt.Errorf("pagos: %w", err)
	}
	if rows <= 0 {
		return nil
	}
	_, err = tx.DB().NewQuery(`
		WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {:rows})
		INSERT INTO pagos (id, matricula, cuota, concepto, numero_cuota, monto, medio_pago, sede, estado, fecha_pago, registrado_por, created, updated)
		SELECT printf('pb%013d', n), printf('pbm%012d', n % {:mats}), {:cuota}, 'Pensión', n % 30 + 1, 150, {:medio}, {:sede}, 'Registrado',
		       strftime('%Y-%m-%d %H:%M:%S.000Z', 'now', '-' || (n % 2900) || ' days'), {:user},
		       strftime('%Y-%m-%d %H:%M:%S.000Z', 'now', '-' || (n % 2900) || ' days'), strftime('%Y-%m-%d %H:%M:%S.000Z', 'now') FROM s`).
		Bind(dbx.Params{"rows": rows, "mats": matriculas, "cuota": refs["cuotas"], "medio": refs["medios_pago"],
			"sede": refs["sedes"], "user": u.Id}).Execute()
	if err != nil {
		return fmt.Errorf("rows: %w", err)
	}
	_, err = tx.DB().NewQuery("ANALYZE").Execute()
	return err
}
