package pgmirror

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// biView is one finance view of the BI schema. needs lists "table.column" pairs;
// the view is created only once all of them exist, so a partially migrated
// schema never fails. "{s}" in sql is replaced by the quoted mirror schema.
type biView struct {
	Name  string
	Needs []string
	SQL   string
}

// Business dates (fecha, vencimiento, fecha_ingreso) are Lima calendar dates that
// PocketBase stores at 00:00 UTC, so they are read back "AT TIME ZONE 'UTC'";
// "today" is taken in America/Lima.
var biViews = []biView{
	{
		Name:  "v_balance_sede_mes",
		Needs: []string{"ingresos.sede", "ingresos.fecha", "ingresos.monto", "gastos.sede", "gastos.fecha", "gastos.monto", "sedes.nombre"},
		SQL: `WITH i AS (SELECT sede, date_trunc('month', fecha AT TIME ZONE 'UTC')::date AS mes, sum(monto) AS total
		       FROM {s}.ingresos WHERE fecha IS NOT NULL GROUP BY 1, 2),
		  g AS (SELECT sede, date_trunc('month', fecha AT TIME ZONE 'UTC')::date AS mes, sum(monto) AS total
		       FROM {s}.gastos WHERE fecha IS NOT NULL GROUP BY 1, 2)
		SELECT COALESCE(i.sede, g.sede) AS sede_id, sd.nombre AS sede, COALESCE(i.mes, g.mes) AS mes,
		  COALESCE(i.total, 0)::numeric(14,2) AS ingresos, COALESCE(g.total, 0)::numeric(14,2) AS gastos,
		  (COALESCE(i.total, 0) - COALESCE(g.total, 0))::numeric(14,2) AS balance
		FROM i FULL JOIN g ON g.sede = i.sede AND g.mes = i.mes
		LEFT JOIN {s}.sedes sd ON sd.id = COALESCE(i.sede, g.sede)`,
	},
	{
		Name: "v_ingresos_concepto_programa",
		Needs: []string{"ingresos.sede", "ingresos.concepto", "ingresos.monto", "ingresos.fecha", "ingresos.pago", "ingresos.origen",
			"pagos.matricula", "matriculas.programa", "programas.nombre", "programas.tipo", "sedes.nombre"},
		SQL: `SELECT date_trunc('month', i.fecha AT TIME ZONE 'UTC')::date AS mes, i.sede AS sede_id, sd.nombre AS sede,
		  i.concepto, i.origen, m.programa AS programa_id, COALESCE(pr.nombre, '(sin programa)') AS programa, pr.tipo AS programa_tipo,
		  count(*) AS movimientos, sum(i.monto)::numeric(14,2) AS total
		FROM {s}.ingresos i
		LEFT JOIN {s}.pagos p ON p.id = i.pago
		LEFT JOIN {s}.matriculas m ON m.id = p.matricula
		LEFT JOIN {s}.programas pr ON pr.id = m.programa
		LEFT JOIN {s}.sedes sd ON sd.id = i.sede
		GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
	},
	{
		Name: "v_deuda_vencida",
		Needs: []string{"cuotas.matricula", "cuotas.monto", "cuotas.pagado", "cuotas.vencimiento", "cuotas.estado",
			"matriculas.sede", "matriculas.programa", "matriculas.alumno", "sedes.nombre", "programas.nombre"},
		SQL: `WITH hoy AS (SELECT (now() AT TIME ZONE 'America/Lima')::date AS d)
		SELECT m.sede AS sede_id, sd.nombre AS sede, m.programa AS programa_id, pr.nombre AS programa,
		  count(*) AS cuotas_vencidas, count(DISTINCT m.alumno) AS alumnos,
		  sum(c.monto - c.pagado)::numeric(14,2) AS deuda,
		  min((c.vencimiento AT TIME ZONE 'UTC')::date) AS vencimiento_mas_antiguo,
		  max(hoy.d - (c.vencimiento AT TIME ZONE 'UTC')::date) AS dias_max_atraso
		FROM {s}.cuotas c CROSS JOIN hoy
		JOIN {s}.matriculas m ON m.id = c.matricula
		LEFT JOIN {s}.sedes sd ON sd.id = m.sede
		LEFT JOIN {s}.programas pr ON pr.id = m.programa
		WHERE c.estado IN ('Pendiente', 'Parcial') AND c.monto > c.pagado
		  AND (c.vencimiento AT TIME ZONE 'UTC')::date < hoy.d
		GROUP BY 1, 2, 3, 4`,
	},
	{
		Name: "v_funnel_canal_asesor",
		Needs: []string{"leads.estado_lead", "leads.asesor", "leads.medio_contacto", "leads.sede", "leads.fecha_ingreso", "leads.created",
			"medios_contacto.nombre", "users.nombre", "sedes.nombre"},
		SQL: `SELECT date_trunc('month', COALESCE(l.fecha_ingreso, l.created) AT TIME ZONE 'UTC')::date AS mes,
		  l.sede AS sede_id, sd.nombre AS sede, l.medio_contacto AS canal_id, mc.nombre AS canal,
		  l.asesor AS asesor_id, u.nombre AS asesor,
		  count(*) AS leads,
		  count(*) FILTER (WHERE l.estado_lead = 'Pendiente') AS pendientes,
		  count(*) FILTER (WHERE l.estado_lead IN ('Atendido', 'Convertido')) AS atendidos,
		  count(*) FILTER (WHERE l.estado_lead = 'No Atendido') AS no_atendidos,
		  count(*) FILTER (WHERE l.estado_lead = 'Convertido') AS convertidos,
		  round(100.0 * count(*) FILTER (WHERE l.estado_lead = 'Convertido') / count(*), 1) AS tasa_conversion
		FROM {s}.leads l
		LEFT JOIN {s}.medios_contacto mc ON mc.id = l.medio_contacto
		LEFT JOIN {s}.users u ON u.id = l.asesor
		LEFT JOIN {s}.sedes sd ON sd.id = l.sede
		GROUP BY 1, 2, 3, 4, 5, 6, 7`,
	},
}

// BIViews returns the names of the finance views the mirror maintains.
func BIViews() []string {
	out := make([]string, len(biViews))
	for i, v := range biViews {
		out[i] = v.Name
	}
	return out
}

// saveViewGrants remembers who may read the existing BI views, so that the
// grants can be given again after the views are recreated.
func saveViewGrants(ctx context.Context, tx pgx.Tx, schema string) error {
	s := pgIdent(schema)
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS ` + s + `._view_grants (
			view_name text NOT NULL, grantee text NOT NULL, privilege text NOT NULL, PRIMARY KEY (view_name, grantee, privilege))`,
		// views that exist now are the truth (a REVOKE must stick); dropped ones keep their saved grants
		`DELETE FROM ` + s + `._view_grants g WHERE EXISTS (SELECT 1 FROM information_schema.views v
			WHERE v.table_schema = $1 AND v.table_name = g.view_name)`,
		`INSERT INTO ` + s + `._view_grants (view_name, grantee, privilege)
			SELECT table_name, grantee, privilege_type FROM information_schema.role_table_grants
			WHERE table_schema = $1 AND table_name = ANY($2) AND grantee <> current_user
			ON CONFLICT DO NOTHING`,
	} {
		args := []any{}
		if strings.Contains(q, "$2") {
			args = []any{schema, BIViews()}
		} else if strings.Contains(q, "$1") {
			args = []any{schema}
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("save view grants: %w", err)
		}
	}
	return nil
}

// dropViews drops the BI views before a table change (grants are saved first).
func dropViews(ctx context.Context, tx pgx.Tx, schema string) error {
	if err := saveViewGrants(ctx, tx, schema); err != nil {
		return err
	}
	for _, v := range biViews {
		if _, err := tx.Exec(ctx, `DROP VIEW IF EXISTS `+pgIdent(schema)+`.`+pgIdent(v.Name)); err != nil {
			return fmt.Errorf("drop view %s: %w", v.Name, err)
		}
	}
	return nil
}

// ensureViews (re)creates every BI view whose tables and columns exist, and
// grants again the privileges saved by dropViews.
func ensureViews(ctx context.Context, tx pgx.Tx, schema string) error {
	s := pgIdent(schema)
	if err := saveViewGrants(ctx, tx, schema); err != nil {
		return err
	}
	have := map[string]bool{}
	rows, err := tx.Query(ctx, `SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = $1`, schema)
	if err != nil {
		return fmt.Errorf("list mirror columns: %w", err)
	}
	for rows.Next() {
		var tc string
		if err := rows.Scan(&tc); err != nil {
			rows.Close()
			return err
		}
		have[tc] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, v := range biViews {
		ok := true
		for _, n := range v.Needs {
			ok = ok && have[n]
		}
		if !ok {
			if _, err := tx.Exec(ctx, `DROP VIEW IF EXISTS `+s+`.`+pgIdent(v.Name)); err != nil {
				return fmt.Errorf("drop view %s: %w", v.Name, err)
			}
			continue
		}
		if _, err := tx.Exec(ctx, `DROP VIEW IF EXISTS `+s+`.`+pgIdent(v.Name)); err != nil {
			return fmt.Errorf("drop view %s: %w", v.Name, err)
		}
		if _, err := tx.Exec(ctx, `CREATE VIEW `+s+`.`+pgIdent(v.Name)+` AS `+strings.ReplaceAll(v.SQL, "{s}", s)); err != nil {
			return fmt.Errorf("create view %s: %w", v.Name, err)
		}
	}
	grants, err := tx.Query(ctx, `SELECT g.view_name, g.grantee, g.privilege FROM `+s+`._view_grants g
		JOIN information_schema.views v ON v.table_schema = $1 AND v.table_name = g.view_name
		WHERE EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = g.grantee) OR g.grantee = 'PUBLIC'`, schema)
	if err != nil {
		return fmt.Errorf("read view grants: %w", err)
	}
	var stmts []string
	for grants.Next() {
		var view, grantee, priv string
		if err := grants.Scan(&view, &grantee, &priv); err != nil {
			grants.Close()
			return err
		}
		to := pgIdent(grantee)
		if grantee == "PUBLIC" {
			to = "PUBLIC"
		}
		stmts = append(stmts, `GRANT `+priv+` ON `+s+`.`+pgIdent(view)+` TO `+to)
	}
	grants.Close()
	for _, st := range stmts {
		if _, err := tx.Exec(ctx, st); err != nil {
			return fmt.Errorf("grant view access: %w", err)
		}
	}
	return nil
}
