package campaigns

import (
	"context"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// audiencePage is how many recipients one materialization transaction writes.
const audiencePage = 200

// recipient is one address of a campaign's audience.
type recipient struct {
	ID     string `db:"id"`
	Email  string `db:"email"`
	Nombre string `db:"nombre"`
}

// audiencePageQuery selects the next page of the campaign's audience after the keyset
// cursor: students with a matrícula in the sede (and programa, estado), or leads of the
// sede (with that estado, interested in that programa). Only rows with an e-mail.
func audiencePageQuery(app core.App, c *core.Record, after string) *dbx.SelectQuery {
	prog, estado := c.GetString("programa"), c.GetString("estado_destinatario")
	if c.GetString("audiencia") == AudienciaLeads {
		q := app.DB().Select("l.id", "l.email", "l.nombre_completo AS nombre").From("leads l").
			Where(dbx.HashExp{"l.sede": c.GetString("sede")}).
			AndWhere(dbx.NewExp("l.email != '' AND l.id > {:after}", dbx.Params{"after": after}))
		if estado != "" {
			q.AndWhere(dbx.HashExp{"l.estado_lead": estado})
		}
		if prog != "" {
			q.AndWhere(dbx.NewExp("EXISTS (SELECT 1 FROM json_each(l.intereses) j WHERE j.value = {:prog})", dbx.Params{"prog": prog}))
		}
		return q.OrderBy("l.id").Limit(audiencePage)
	}
	sub := "SELECT 1 FROM matriculas m WHERE m.alumno = a.id AND m.sede = {:sede}"
	params := dbx.Params{"sede": c.GetString("sede"), "after": after}
	if prog != "" {
		sub += " AND m.programa = {:prog}"
		params["prog"] = prog
	}
	if estado != "" {
		sub += " AND m.estado = {:estado}"
		params["estado"] = estado
	}
	return app.DB().Select("a.id", "a.email", "a.nombre_completo AS nombre").From("alumnos a").
		Where(dbx.NewExp("a.email != '' AND a.id > {:after} AND EXISTS ("+sub+")", params)).
		OrderBy("a.id").Limit(audiencePage)
}

// materialize writes one envío per distinct address of the audience, page by page. It
// is idempotent (an address already listed for the campaign is skipped), so a run
// interrupted midway is simply repeated. Addresses that opted out are listed as omitido.
// At the end destinatarios_listos is set.
func materialize(ctx context.Context, app core.App, c *core.Record) error {
	col, err := app.FindCachedCollectionByNameOrId(ColEnvios)
	if err != nil {
		return err
	}
	lead := c.GetString("audiencia") == AudienciaLeads
	after := ""
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var page []recipient
		if err := audiencePageQuery(app, c, after).All(&page); err != nil {
			return fmt.Errorf("campanas: audiencia: %w", err)
		}
		if len(page) == 0 {
			break
		}
		err := app.RunInTransaction(func(tx core.App) error {
			for _, r := range page {
				email := NormalizeEmail(r.Email)
				var n int
				err := tx.DB().Select("COUNT(*)").From(ColEnvios).
					Where(dbx.HashExp{"campana": c.Id}).
					AndWhere(dbx.NewExp("email = {:e} COLLATE NOCASE", dbx.Params{"e": email})).Row(&n)
				if err != nil {
					return err
				}
				if n > 0 {
					continue
				}
				e := core.NewRecord(col)
				e.Set("campana", c.Id)
				e.Set("email", email)
				e.Set("nombre", r.Nombre)
				if lead {
					e.Set("lead", r.ID)
				} else {
					e.Set("alumno", r.ID)
				}
				e.Set("estado", EnvioPendiente)
				if out, err := OptedOut(tx, email); err != nil {
					return err
				} else if out {
					e.Set("estado", EnvioOmitido)
					e.Set("error", "La persona se dio de baja de los correos.")
				}
				if err := tx.Save(e); err != nil {
					return fmt.Errorf("campanas: envío a %s: %w", email, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		after = page[len(page)-1].ID
	}
	fresh, err := refreshCounters(app, c.Id, func(r *core.Record) { r.Set("destinatarios_listos", true) })
	if err != nil {
		return err
	}
	c.Set("destinatarios_listos", true)
	c.Set("total", fresh.GetInt("total"))
	return nil
}

// refreshCounters recounts the campaign's envíos by estado and saves them on a fresh
// copy of the record (so a cancellation made meanwhile by staff is kept), which also
// publishes the progress to realtime subscribers. It returns the fresh record.
func refreshCounters(app core.App, id string, change func(c *core.Record)) (*core.Record, error) {
	var rows []struct {
		Estado string `db:"estado"`
		N      int    `db:"n"`
	}
	var fresh *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		err := tx.DB().Select("estado", "COUNT(*) AS n").From(ColEnvios).
			Where(dbx.HashExp{"campana": id}).GroupBy("estado").All(&rows)
		if err != nil {
			return fmt.Errorf("campanas: contar envíos: %w", err)
		}
		c, err := tx.FindRecordById(ColCampanas, id)
		if err != nil {
			return err
		}
		total := 0
		counts := map[string]int{}
		for _, r := range rows {
			counts[r.Estado] = r.N
			total += r.N
		}
		c.Set("total", total)
		c.Set("enviados", counts[EnvioEnviado])
		c.Set("fallidos", counts[EnvioFallido])
		c.Set("omitidos", counts[EnvioOmitido])
		if change != nil {
			change(c)
		}
		if err := tx.Save(c); err != nil {
			return fmt.Errorf("campanas: guardar progreso: %w", err)
		}
		fresh = c
		return nil
	})
	return fresh, err
}
