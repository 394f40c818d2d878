package migrations

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/security"
)

// Background work seen by people: notifications to students (with their push devices and
// per-device delivery status), mass e-mail campaigns (one envío per recipient, opt-outs)
// and asynchronous reports. Also the server secret that signs unsubscribe links.
func init() {
	m.Register(upBackground, downBackground)
}

// backgroundCollections in creation order (dropped in reverse).
var backgroundCollections = []string{
	"secretos", "notificaciones", "dispositivos", "entregas_push", "campanas", "envios", "bajas_correo", "reportes",
}

// reportPerms is a frozen copy of reports.Permissions: besides `reportes`, who may read
// each report type (any of the codes). Empty means `reportes` alone.
var reportPerms = []struct {
	tipo  string
	perms []string
	// academic reports follow the docente restriction of notas/asistencias
	academic bool
}{
	{"balance", nil, false},
	{"morosidad", nil, false},
	{"ingresos", []string{"finanzas"}, false},
	{"gastos", []string{"finanzas"}, false},
	{"estado_cuenta", []string{"matriculas", "pagos", "finanzas"}, false},
	{"leads", []string{"leads", "crear_lead"}, false},
	{"matriculas", []string{"matriculas", "pagos", "finanzas"}, false},
	{"notas", []string{"notas"}, true},
	{"asistencias", []string{"asistencias"}, true},
	{"planillas", []string{"planillas"}, false},
}

func upBackground(app core.App) error {
	find := func(name string) *core.Collection {
		c, _ := app.FindCollectionByNameOrId(name)
		return c
	}
	alumnos, users, sedes := find("alumnos"), find("users"), find("sedes")
	programas, leads := find("programas"), find("leads")
	if alumnos == nil || users == nil || sedes == nil || programas == nil || leads == nil {
		return errors.New("faltan colecciones base (alumnos, users, sedes, programas, leads)")
	}
	save := func(c *core.Collection) error { return app.Save(c) }

	// --- Server secrets (never through the API) ---------------------------------------
	sec := core.NewBaseCollection("secretos")
	sec.Fields.Add(txt("nombre", true, 100), &core.TextField{Name: "valor", Required: true, Max: 500, Hidden: true})
	timestamps(sec)
	sec.AddIndex("idx_secretos_nombre", true, "nombre", "")
	if err := save(sec); err != nil {
		return err
	}
	r := core.NewRecord(sec)
	r.Set("nombre", "baja_correo")
	r.Set("valor", security.RandomString(64))
	if err := app.Save(r); err != nil {
		return err
	}

	// --- Notifications: read (and marked read) by their student only ------------------
	own := and(ruleStudent, "alumno = @request.auth.id")
	notif := core.NewBaseCollection("notificaciones")
	notif.Fields.Add(
		rel("alumno", alumnos, true, true), txt("titulo", true, 200), txt("mensaje", true, 2000),
		choice("tipo", true, "pago", "voucher", "nota", "asistencia", "recordatorio", "anuncio"),
		boolean("leida"), jsonField("data"),
		&core.TextField{Name: "clave", Max: 255, Hidden: true}, // event key: one notification per event
	)
	timestamps(notif)
	notif.AddIndex("idx_notificaciones_alumno", false, "alumno, created", "")
	notif.AddIndex("idx_notificaciones_clave", true, "clave", "clave != ''")
	notif.AddIndex("idx_notificaciones_limpieza", false, "leida, created", "")
	notif.ListRule, notif.ViewRule = ptr(own), ptr(own)
	notif.UpdateRule = ptr(and(own, notSet("alumno", "titulo", "mensaje", "tipo", "data", "clave")))
	if err := save(notif); err != nil {
		return err
	}

	disp := core.NewBaseCollection("dispositivos")
	disp.Fields.Add(
		rel("alumno", alumnos, true, true), txt("token", true, 4096),
		choice("plataforma", true, "expo", "fcm"), boolean("activo"),
		txt("ultimo_error", false, 1000), date("desactivado_en", false),
	)
	timestamps(disp)
	disp.AddIndex("idx_dispositivos_token", true, "token", "")
	disp.AddIndex("idx_dispositivos_alumno", false, "alumno, activo", "")
	disp.ListRule, disp.ViewRule = ptr(own), ptr(own)
	disp.CreateRule = ptr(and(ruleStudent, "(@request.body.alumno:isset = false || @request.body.alumno = @request.auth.id)"))
	disp.UpdateRule = ptr(and(own, notSet("alumno", "ultimo_error", "desactivado_en")))
	disp.DeleteRule = ptr(own)
	if err := save(disp); err != nil {
		return err
	}

	// per-device push outcome; server-only (dashboard)
	ent := core.NewBaseCollection("entregas_push")
	ent.Fields.Add(
		rel("notificacion", notif, true, true), rel("dispositivo", disp, true, true),
		choice("plataforma", true, "expo", "fcm"),
		choice("estado", true, "enviado", "error", "token_invalido", "sin_proveedor"),
		txt("proveedor_id", false, 500), txt("error", false, 2000),
		intRange("intentos", false, 0, 1000),
		choice("recibo", false, "ok", "error", "token_invalido"),
	)
	timestamps(ent)
	ent.AddIndex("idx_entregas_push_par", true, "notificacion, dispositivo", "")
	ent.AddIndex("idx_entregas_push_recibo", false, "plataforma, estado, recibo, created", "")
	if err := save(ent); err != nil {
		return err
	}

	// --- Mass e-mail -------------------------------------------------------------------
	campRead := and(rulePerm("campanas"), ruleSede("sede"))
	// a new sede in the body must be one of the actor's too, read through its own alias
	// (as in the core schema: sharing ruleSede's join row would forbid moves A -> B)
	bodySede := "(@request.body.sede:isset = false || (@collection.users:actor.id ?= @request.auth.id && @collection.users:actor.sedes.id ?= @request.body.sede))"
	counters := []string{"programacion", "total", "enviados", "fallidos", "omitidos", "creado_por", "iniciada_en", "terminada_en", "destinatarios_listos", "error"}
	camp := core.NewBaseCollection("campanas")
	camp.Fields.Add(
		txt("asunto", true, 255), &core.TextField{Name: "cuerpo", Required: true, Max: 100000},
		choice("audiencia", true, "alumnos", "leads"), rel("sede", sedes, true, false), rel("programa", programas, false, false),
		txt("estado_destinatario", false, 50), // matrícula estado (alumnos) or estado_lead (leads); empty = all
		date("programada_para", false),
		choice("estado", true, "Borrador", "Programada", "Enviando", "Enviada", "Cancelada"),
		intRange("total", false, 0, 1e9), intRange("enviados", false, 0, 1e9),
		intRange("fallidos", false, 0, 1e9), intRange("omitidos", false, 0, 1e9),
		boolean("destinatarios_listos"), rel("creado_por", users, false, false),
		intRange("programacion", false, 0, 1e9), // bumped on each scheduling: older send jobs become no-ops
		date("iniciada_en", false), date("terminada_en", false), txt("error", false, 2000),
	)
	timestamps(camp)
	camp.AddIndex("idx_campanas_sede", false, "sede, created", "")
	camp.AddIndex("idx_campanas_estado", false, "estado, programada_para", "")
	camp.ListRule, camp.ViewRule = ptr(campRead), ptr(campRead)
	camp.CreateRule = ptr(and(campRead, notSet(counters...)))
	camp.UpdateRule = ptr(and(campRead, bodySede, notSet(counters...)))
	camp.DeleteRule = ptr(and(campRead, "(estado = 'Borrador' || estado = 'Cancelada')"))
	if err := save(camp); err != nil {
		return err
	}

	env := core.NewBaseCollection("envios")
	env.Fields.Add(
		rel("campana", camp, true, true), &core.EmailField{Name: "email", Required: true}, txt("nombre", false, 255),
		rel("alumno", alumnos, false, false), rel("lead", leads, false, false),
		choice("estado", true, "pendiente", "enviado", "fallido", "omitido"),
		intRange("intentos", false, 0, 1000), txt("error", false, 2000), date("enviado_en", false),
	)
	timestamps(env)
	env.AddIndex("idx_envios_destinatario", true, "campana, email COLLATE NOCASE", "")
	env.AddIndex("idx_envios_cola", false, "campana, estado, id", "")
	envRead := and(rulePerm("campanas"), ruleSede("campana.sede"))
	env.ListRule, env.ViewRule = ptr(envRead), ptr(envRead)
	if err := save(env); err != nil {
		return err
	}

	bajas := core.NewBaseCollection("bajas_correo")
	bajas.Fields.Add(&core.EmailField{Name: "email", Required: true}, txt("motivo", false, 500),
		date("fecha", true), rel("campana", camp, false, false))
	timestamps(bajas)
	bajas.AddIndex("idx_bajas_correo_email", true, "email COLLATE NOCASE", "")
	bajas.ListRule, bajas.ViewRule = ptr(rulePerm("campanas")), ptr(rulePerm("campanas"))
	if err := save(bajas); err != nil {
		return err
	}

	// --- Reports -------------------------------------------------------------------------
	tipos := make([]string, len(reportPerms))
	byTipo := make([]string, len(reportPerms))
	for i, rp := range reportPerms {
		tipos[i] = rp.tipo
		clause := []string{"tipo = '" + rp.tipo + "'", rulePerm("reportes")}
		if len(rp.perms) > 0 {
			clause = append(clause, rulePerm(rp.perms...))
		}
		if rp.academic {
			clause = append(clause, "@request.auth.rol.solo_programas_asignados != true")
		}
		byTipo[i] = and(clause...)
	}
	rep := core.NewBaseCollection("reportes")
	rep.Fields.Add(
		choice("tipo", true, tipos...), choice("formato", true, "xlsx", "csv"), jsonField("parametros"),
		rel("sede", sedes, false, false), // set when the report covers one sede: colleagues of that sede may read it
		choice("estado", true, "Pendiente", "Generando", "Listo", "Error"),
		&core.FileField{Name: "archivo", MaxSelect: 1, MaxSize: 512 << 20, Protected: true},
		txt("error", false, 2000), rel("solicitado_por", users, false, false),
		intRange("filas", false, 0, 1e9), date("generado_en", false),
	)
	timestamps(rep)
	rep.AddIndex("idx_reportes_solicitante", false, "solicitado_por, created", "")
	rep.AddIndex("idx_reportes_sede", false, "sede, tipo, created", "")
	repRead := or(and(ruleStaff, "solicitado_por = @request.auth.id"), and("sede != ''", ruleSede("sede"), or(byTipo...)))
	rep.ListRule, rep.ViewRule = ptr(repRead), ptr(repRead)
	rep.CreateRule = ptr(and(rulePerm("reportes"), notSet("estado", "archivo", "error", "solicitado_por", "filas", "generado_en", "sede")))
	rep.DeleteRule = ptr(and(ruleStaff, "solicitado_por = @request.auth.id"))
	return save(rep)
}

func downBackground(app core.App) error {
	for i := len(backgroundCollections) - 1; i >= 0; i-- {
		c, err := app.FindCollectionByNameOrId(backgroundCollections[i])
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		if err := app.Delete(c); err != nil {
			return err
		}
	}
	return nil
}
