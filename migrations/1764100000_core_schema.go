package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// PermissionCodes are the screens/capabilities a role can grant (frozen copy; the live
// list is internal/access.Permissions).
var permissionCodes = []string{
	"dashboard", "leads", "crear_lead", "matriculas", "pagos", "malla_curricular", "notas",
	"asistencias", "empleados", "nuevo_empleado", "planillas", "documentacion", "finanzas",
	"reportes", "campanas", "notificaciones", "roles",
}

// coreCollections lists, in creation order, every collection this migration creates
// (users is PocketBase's own and only gets updated).
var coreCollections = []string{
	"sedes", "modalidades", "medios_contacto", "medios_pago", "departamentos", "provincias", "distritos",
	"programas", "cursos", "malla", "roles", "docentes_programa", "leads", "interacciones", "alumnos",
	"matriculas", "cuotas", "pagos", "ingresos", "empleados", "planillas", "gastos", "documentos",
	"notas", "asistencias", "auditoria",
}

func init() {
	m.Register(upCoreSchema, downCoreSchema)
}

type schemaBuilder struct {
	app core.App
	c   map[string]*core.Collection
	err error
}

func (b *schemaBuilder) save(c *core.Collection) *core.Collection {
	if b.err == nil {
		b.err = b.app.Save(c)
	}
	b.c[c.Name] = c
	return c
}

func upCoreSchema(app core.App) error {
	b := &schemaBuilder{app: app, c: map[string]*core.Collection{}}
	authedRead := or(ruleStudent, ruleStaff)
	staffRead := ruleStaff

	catalog := func(name string, write *string, fields ...core.Field) *core.Collection {
		c := core.NewBaseCollection(name)
		c.Fields.Add(fields...)
		timestamps(c)
		c.ListRule, c.ViewRule = ptr(authedRead), ptr(authedRead)
		c.CreateRule, c.UpdateRule, c.DeleteRule = write, write, write
		return c
	}

	// --- Catalogues -------------------------------------------------------------------
	sedes := catalog("sedes", nil, txt("nombre", true, 100), editor("descripcion"), txt("direccion", false, 255))
	sedes.AddIndex("idx_sedes_nombre", true, "nombre COLLATE NOCASE", "")
	b.save(sedes)

	mod := catalog("modalidades", nil, txt("nombre", true, 100), rel("sede", sedes, false, false))
	mod.AddIndex("idx_modalidades_nombre", true, "nombre COLLATE NOCASE", "")
	b.save(mod)

	mc := catalog("medios_contacto", nil, txt("nombre", true, 100))
	mc.AddIndex("idx_medios_contacto_nombre", true, "nombre COLLATE NOCASE", "")
	b.save(mc)

	mp := catalog("medios_pago", nil, txt("nombre", true, 100), boolean("requiere_comprobante"))
	mp.AddIndex("idx_medios_pago_nombre", true, "nombre COLLATE NOCASE", "")
	b.save(mp)

	dep := catalog("departamentos", nil, txtPattern("codigo", true, 2, `^[0-9]{2}$`), txt("nombre", true, 100))
	dep.AddIndex("idx_departamentos_codigo", true, "codigo", "")
	b.save(dep)
	prov := catalog("provincias", nil, txtPattern("codigo", true, 4, `^[0-9]{4}$`), txt("nombre", true, 100), rel("departamento", dep, true, false))
	prov.AddIndex("idx_provincias_codigo", true, "codigo", "")
	prov.AddIndex("idx_provincias_departamento", false, "departamento", "")
	b.save(prov)
	dist := catalog("distritos", nil, txtPattern("codigo", true, 6, `^[0-9]{6}$`), txt("nombre", true, 100), rel("provincia", prov, true, false))
	dist.AddIndex("idx_distritos_codigo", true, "codigo", "")
	dist.AddIndex("idx_distritos_provincia", false, "provincia", "")
	b.save(dist)

	// --- Programs and curricula -------------------------------------------------------
	curricula := ptr(rulePerm("malla_curricular"))
	prog := catalog("programas", curricula,
		txt("nombre", true, 255),
		choice("tipo", true, "Curso", "Especialización", "Carrera Técnica"),
		intRange("duracion_meses", false, 0, 120),
		intRange("numero_pensiones", false, 0, 120),
		money("precio_matricula", false), money("precio_pension_virtual", false),
		money("precio_pension_presencial", false), money("precio_curso_unico", false),
		rel("sede", sedes, true, false),
		boolean("activo"),
	)
	prog.AddIndex("idx_programas_nombre_tipo", true, "nombre COLLATE NOCASE, tipo", "")
	prog.AddIndex("idx_programas_sede", false, "sede", "")
	b.save(prog)

	cur := catalog("cursos", curricula, txt("nombre", true, 255), editor("descripcion"))
	cur.AddIndex("idx_cursos_nombre", true, "nombre COLLATE NOCASE", "")
	b.save(cur)

	malla := catalog("malla", curricula, rel("programa", prog, true, true), intRange("numero_mes", true, 1, 120), rel("curso", cur, true, false), boolean("activo"))
	malla.AddIndex("idx_malla_programa_mes", true, "programa, numero_mes", "")
	malla.AddIndex("idx_malla_curso", false, "curso", "")
	b.save(malla)

	// --- Staff, roles and teachers ----------------------------------------------------
	roles := core.NewBaseCollection("roles")
	roles.Fields.Add(txt("nombre", true, 50), editor("descripcion"), multiChoice("permisos", permissionCodes...),
		&core.BoolField{Name: "solo_programas_asignados", Help: "Notas y asistencias solo de los programas que el usuario enseña (docentes)."})
	timestamps(roles)
	roles.AddIndex("idx_roles_nombre", true, "nombre COLLATE NOCASE", "")
	roles.ListRule, roles.ViewRule = ptr(staffRead), ptr(staffRead)
	roles.CreateRule, roles.UpdateRule, roles.DeleteRule = ptr(rulePerm("roles")), ptr(rulePerm("roles")), ptr(rulePerm("roles"))
	b.save(roles)

	if b.err != nil {
		return b.err
	}
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	users.Fields.RemoveByName("name")
	if avatar, ok := users.Fields.GetByName("avatar").(*core.FileField); ok {
		avatar.Protected = true // staff photos are personal data too: file token required
	}
	users.Fields.Add(txt("nombre", true, 255), rel("rol", roles, false, false),
		multiChoice("permisos_extra", permissionCodes...), multiRel("sedes", sedes, false), boolean("activo"))
	users.AddIndex("idx_users_rol", false, "rol", "")
	self := "id = @request.auth.id"
	admin := rulePerm("roles")
	users.ListRule, users.ViewRule = ptr(or(and(ruleStaff, self), staffRead)), ptr(or(and(ruleStaff, self), staffRead))
	users.CreateRule = ptr(admin)
	users.UpdateRule = ptr(or(admin, and(ruleStaff, self, notSet("rol", "permisos_extra", "sedes", "activo", "verified"))))
	users.DeleteRule = ptr(admin)
	users.ManageRule = ptr(admin)
	users.AuthRule = ptr("activo = true")
	b.save(users)

	dp := core.NewBaseCollection("docentes_programa")
	dp.Fields.Add(rel("docente", users, true, true), rel("programa", prog, true, true))
	timestamps(dp)
	dp.AddIndex("idx_docentes_programa_pair", true, "docente, programa", "")
	dp.AddIndex("idx_docentes_programa_programa", false, "programa", "")
	dp.ListRule, dp.ViewRule = ptr(staffRead), ptr(staffRead)
	dp.CreateRule, dp.UpdateRule, dp.DeleteRule = curricula, curricula, curricula
	b.save(dp)

	// --- CRM ---------------------------------------------------------------------------
	leads := core.NewBaseCollection("leads")
	leads.Fields.Add(
		txt("nombre_completo", true, 255),
		txtPattern("telefono", false, 20, `^(\+51)?9[0-9]{8}$|^0?[1-9][0-9]{5,7}$`),
		email("email", false),
		txt("nivel_estudios", false, 100),
		choice("genero", true, "Masculino", "Femenino", "Otro"),
		date("fecha_ingreso", false),
		choice("estado_lead", true, "Pendiente", "Atendido", "No Atendido", "Convertido"),
		rel("asesor", users, true, false),
		rel("medio_contacto", mc, true, false),
		rel("distrito", dist, false, false),
		&core.RelationField{Name: "intereses", CollectionId: prog.Id, Required: true, MaxSelect: 50},
		rel("sede", sedes, true, false),
		editor("observaciones"),
	)
	timestamps(leads)
	leads.AddIndex("idx_leads_sede_fecha", false, "sede, fecha_ingreso", "")
	leads.AddIndex("idx_leads_asesor", false, "asesor", "")
	leads.AddIndex("idx_leads_estado", false, "estado_lead, sede", "")
	leads.AddIndex("idx_leads_medio", false, "medio_contacto", "")
	leads.AddIndex("idx_leads_created", false, "created", "")
	leadRead := and(rulePerm("leads", "crear_lead"), ruleSede("sede"))
	// bodySede: a new sede in the body must be one of the actor's too. It reads the actor's
	// sedes through its own alias: next to ruleSede, a second `@request.auth.sedes.id ?=`
	// would share ruleSede's join row, so one sede would have to equal both (no moves A->B).
	bodySede := "(@request.body.sede:isset = false || (@collection.users:actor.id ?= @request.auth.id && @collection.users:actor.sedes.id ?= @request.body.sede))"
	leads.ListRule, leads.ViewRule = ptr(leadRead), ptr(leadRead)
	leads.CreateRule = ptr(and(rulePerm("crear_lead", "leads"), ruleSede("sede")))
	leads.UpdateRule = ptr(and(rulePerm("leads"), ruleSede("sede"), bodySede))
	leads.DeleteRule = ptr(and(rulePerm("leads"), ruleSede("sede")))
	b.save(leads)

	inter := core.NewBaseCollection("interacciones")
	inter.Fields.Add(rel("lead", leads, true, true), rel("usuario", users, false, false), date("fecha", false),
		choice("tipo", true, "Llamada", "Email", "Reunión", "WhatsApp", "Visita", "Observación", "Otro"),
		txt("resultado", true, 5000))
	timestamps(inter)
	inter.AddIndex("idx_interacciones_lead", false, "lead, fecha", "")
	inter.ListRule, inter.ViewRule = ptr(and(rulePerm("leads", "crear_lead"), ruleSede("lead.sede"))), ptr(and(rulePerm("leads", "crear_lead"), ruleSede("lead.sede")))
	inter.CreateRule = ptr(and(rulePerm("leads"), ruleSede("lead.sede"), "(usuario = '' || usuario = @request.auth.id)"))
	b.save(inter) // interactions are an append-only log: no update or delete rule

	// --- Students, enrolments and money -------------------------------------------------
	alumnos := core.NewAuthCollection("alumnos")
	alumnos.Fields.Add(
		rel("lead", leads, false, false),
		txt("nombre_completo", true, 255),
		txtPattern("dni", true, 8, `^[0-9]{8}$`),
		txtPattern("telefono", false, 20, `^(\+51)?9[0-9]{8}$`),
		rel("distrito", dist, false, false),
		docFile("archivo_dni"), docFile("archivo_partida"),
	)
	alumnos.AddIndex("idx_alumnos_dni", true, "dni", "")
	alumnos.AddIndex("idx_alumnos_lead", true, "lead", "lead != ''")
	alumnos.AuthRule = ptr("")
	b.save(alumnos) // rules below, once matriculas exists (they read matriculas_via_alumno)

	matr := core.NewBaseCollection("matriculas")
	matr.Fields.Add(
		rel("alumno", alumnos, true, false), rel("programa", prog, true, false), rel("modalidad", mod, true, false),
		rel("sede", sedes, true, false), rel("asesor", users, false, false), rel("usuario_inscripcion", users, false, false),
		date("fecha_inscripcion", false), choice("estado", true, "Activo", "Retirado", "Egresado"), editor("observacion"),
	)
	timestamps(matr)
	matr.AddIndex("idx_matriculas_alumno", false, "alumno", "")
	matr.AddIndex("idx_matriculas_sede_estado", false, "sede, estado", "")
	matr.AddIndex("idx_matriculas_programa", false, "programa", "")
	matr.AddIndex("idx_matriculas_fecha", false, "fecha_inscripcion", "")
	teacherOf := func(programa string) string {
		return "(@collection.docentes_programa.docente ?= @request.auth.id && @collection.docentes_programa.programa ?= " + programa + ")"
	}
	academic := func(perm, prefix string) string {
		return and(rulePerm(perm), or(and("@request.auth.rol.solo_programas_asignados != true", ruleSede(prefix+"sede")), teacherOf(prefix+"programa")))
	}
	matrRead := or(
		and(ruleStudent, "alumno = @request.auth.id"),
		and(rulePerm("matriculas", "pagos", "finanzas"), ruleSede("sede")),
		academic("notas", ""), academic("asistencias", ""),
	)
	matr.ListRule, matr.ViewRule = ptr(matrRead), ptr(matrRead)
	matr.UpdateRule = ptr(and(rulePerm("matriculas"), ruleSede("sede"), notSet("alumno", "programa", "modalidad", "sede", "usuario_inscripcion")))
	b.save(matr) // created only by the conversion endpoint; never deleted through the API

	// staff read a student as they read its matrículas (a docente: only in the programs it teaches)
	alumnoRead := or(
		and(ruleStudent, "id = @request.auth.id"),
		and(rulePerm("matriculas", "pagos", "finanzas"), ruleSede("matriculas_via_alumno.sede")),
		academic("notas", "matriculas_via_alumno."), academic("asistencias", "matriculas_via_alumno."),
	)
	alumnos.ListRule, alumnos.ViewRule = ptr(alumnoRead), ptr(alumnoRead)
	alumnos.UpdateRule = ptr(or(
		and(ruleStudent, "id = @request.auth.id", notSet("lead", "nombre_completo", "dni", "email", "distrito", "archivo_dni", "archivo_partida", "verified")),
		and(rulePerm("matriculas"), "@request.auth.sedes.id ?= matriculas_via_alumno.sede", notSet("lead", "dni")),
	))
	b.save(alumnos)

	ownMatricula := and(ruleStudent, "matricula.alumno = @request.auth.id")
	cuotas := core.NewBaseCollection("cuotas")
	cuotas.Fields.Add(
		rel("matricula", matr, true, true), choice("concepto", true, "Matrícula", "Pensión", "Pago Único"),
		intRange("numero", true, 1, 120), money("monto", true), date("vencimiento", true), money("pagado", false),
		choice("estado", true, "Pendiente", "Parcial", "Pagada", "Anulada"),
	)
	timestamps(cuotas)
	cuotas.AddIndex("idx_cuotas_natural", true, "matricula, concepto, numero", "")
	cuotas.AddIndex("idx_cuotas_vencimiento", false, "estado, vencimiento", "")
	cuotaRead := or(ownMatricula, and(rulePerm("matriculas", "pagos", "finanzas"), ruleSede("matricula.sede")))
	cuotas.ListRule, cuotas.ViewRule = ptr(cuotaRead), ptr(cuotaRead)
	b.save(cuotas) // written only by the server (schedule, payments, voids)

	pagos := core.NewBaseCollection("pagos")
	pagos.Fields.Add(
		rel("matricula", matr, true, false), rel("cuota", cuotas, true, false),
		choice("concepto", false, "Matrícula", "Pensión", "Pago Único"), intRange("numero_cuota", false, 0, 120),
		&core.NumberField{Name: "monto", Required: true, Min: ptrF(0.01), Max: ptrF(moneyMax)},
		money("descuento_aplicado", false), date("fecha_pago", false), rel("medio_pago", mp, true, false),
		docFile("comprobante"), rel("sede", sedes, false, false), choice("estado", false, "Registrado", "Anulado"),
		txt("motivo_anulacion", false, 500), rel("registrado_por", users, false, false),
		date("anulado_en", false), rel("anulado_por", users, false, false),
	)
	timestamps(pagos)
	pagos.AddIndex("idx_pagos_matricula", false, "matricula", "")
	pagos.AddIndex("idx_pagos_cuota", false, "cuota", "")
	pagos.AddIndex("idx_pagos_sede_fecha", false, "sede, fecha_pago", "")
	pagoRead := or(ownMatricula, and(rulePerm("pagos", "finanzas", "matriculas"), ruleSede("sede")))
	pagos.ListRule, pagos.ViewRule = ptr(pagoRead), ptr(pagoRead)
	pagos.CreateRule = ptr(and(rulePerm("pagos"), ruleSede("matricula.sede"), bodySede))
	pagos.UpdateRule = ptr(and(rulePerm("pagos"), ruleSede("sede"), notSet("matricula", "cuota", "monto", "sede", "estado", "fecha_pago", "concepto", "numero_cuota", "descuento_aplicado", "registrado_por")))
	b.save(pagos) // never deleted: voided through POST /api/pagos/{id}/anular

	ledgerRead := and(rulePerm("finanzas"), ruleSede("sede"))
	ledgerWrite := and(rulePerm("finanzas"), ruleSede("sede"), "origen = 'Manual'")
	ingresos := core.NewBaseCollection("ingresos")
	ingresos.Fields.Add(rel("sede", sedes, true, false), txt("concepto", true, 255), signedMoney("monto"), date("fecha", true),
		rel("pago", pagos, false, false), choice("origen", true, "Pago", "Manual", "Anulación"), rel("registrado_por", users, false, false))
	timestamps(ingresos)
	ingresos.AddIndex("idx_ingresos_pago", true, "pago, origen", "pago != ''")
	ingresos.AddIndex("idx_ingresos_sede_fecha", false, "sede, fecha", "")
	ingresos.ListRule, ingresos.ViewRule = ptr(ledgerRead), ptr(ledgerRead)
	ingresos.CreateRule = ptr(and(ledgerWrite, "pago = ''"))
	ingresos.UpdateRule = ptr(and(ledgerWrite, "(@request.body.origen:isset = false || @request.body.origen = 'Manual')", bodySede, notSet("pago")))
	ingresos.DeleteRule = ptr(ledgerWrite)
	b.save(ingresos)

	emp := core.NewBaseCollection("empleados")
	emp.Fields.Add(
		rel("usuario", users, false, false), txt("nombres", true, 100), txt("apellidos", true, 100),
		txtPattern("dni", false, 12, `^[0-9]{8}$|^[A-Za-z0-9]{9,12}$`), date("fecha_nacimiento", false), txt("direccion", false, 255),
		txtPattern("telefono", false, 20, `^(\+51)?9[0-9]{8}$|^0?[1-9][0-9]{5,7}$`), email("email", false),
		txt("banco", false, 100), txtPattern("cuenta_bancaria", false, 30, `^[0-9-]{6,30}$`), txtPattern("cci", false, 20, `^[0-9]{20}$`),
		txt("cargo", true, 100), date("fecha_ingreso", false),
		choice("tipo_contrato", false, "Indefinido", "A plazo fijo", "Por obra o servicio", "A tiempo parcial", "Otro"),
		numRange("horas_contrato", false, 0, 744), money("sueldo_basico", false), money("sueldo_por_hora", false),
		choice("regimen_pension", true, "AFP", "ONP"), numRange("tasa_pension", false, 0, 1),
		rel("sede", sedes, false, false), boolean("activo"),
	)
	timestamps(emp)
	emp.AddIndex("idx_empleados_usuario", true, "usuario", "usuario != ''")
	emp.AddIndex("idx_empleados_dni", true, "dni", "dni != ''")
	emp.AddIndex("idx_empleados_sede", false, "sede", "")
	hr := and(rulePerm("empleados", "planillas"), ruleSede("sede"))
	// salaries: only HR/payroll of the sede and the employee itself (documentacion alone reads documentos, not these rows)
	empRead := or(hr, and(ruleStaff, "usuario = @request.auth.id"))
	emp.ListRule, emp.ViewRule = ptr(empRead), ptr(empRead)
	emp.CreateRule = ptr(and(rulePerm("empleados", "nuevo_empleado"), ruleSede("sede")))
	emp.UpdateRule = ptr(and(rulePerm("empleados"), ruleSede("sede"), bodySede))
	emp.DeleteRule = ptr(and(rulePerm("empleados"), ruleSede("sede")))
	b.save(emp)

	plan := core.NewBaseCollection("planillas")
	plan.Fields.Add(
		rel("empleado", emp, true, false), intRange("mes", true, 1, 12), intRange("anio", true, 2000, 2100),
		money("sueldo_basico", false), numRange("horas_extras", false, 0, 744), numRange("inasistencias", false, 0, 744),
		money("comisiones", false), money("bonos", false), money("descuentos", false),
		money("remuneracion_bruta", false), money("aporte_pension", false), signedMoney("neto_pagado"), money("aporte_empleador", false),
		money("sueldo_por_hora", false), numRange("tasa_pension", false, 0, 1),
		date("fecha_pago", false), choice("estado", true, "Borrador", "Pagada", "Anulada"),
		rel("pagado_por", users, false, false), txt("motivo_anulacion", false, 500),
	)
	plan.Fields.GetByName("neto_pagado").(*core.NumberField).Required = false
	timestamps(plan)
	plan.AddIndex("idx_planillas_periodo", true, "empleado, mes, anio", "")
	plan.AddIndex("idx_planillas_anio_mes", false, "anio, mes", "")
	planRead := or(and(rulePerm("planillas"), ruleSede("empleado.sede")), and(ruleStaff, "empleado.usuario = @request.auth.id"))
	plan.ListRule, plan.ViewRule = ptr(planRead), ptr(planRead)
	planWrite := and(rulePerm("planillas"), ruleSede("empleado.sede"))
	plan.CreateRule = ptr(planWrite)
	plan.UpdateRule = ptr(and(planWrite, "estado = 'Borrador'", notSet("estado", "empleado", "remuneracion_bruta", "aporte_pension", "neto_pagado", "aporte_empleador", "pagado_por")))
	plan.DeleteRule = ptr(and(planWrite, "estado = 'Borrador'"))
	b.save(plan)

	gastos := core.NewBaseCollection("gastos")
	gastos.Fields.Add(rel("sede", sedes, true, false), txt("concepto", true, 255), signedMoney("monto"), date("fecha", true),
		rel("planilla", plan, false, false), txt("categoria", false, 100), choice("origen", true, "Planilla", "Manual", "Anulación"),
		rel("registrado_por", users, false, false))
	timestamps(gastos)
	gastos.AddIndex("idx_gastos_planilla", true, "planilla, origen", "planilla != ''")
	gastos.AddIndex("idx_gastos_sede_fecha", false, "sede, fecha", "")
	gastos.ListRule, gastos.ViewRule = ptr(ledgerRead), ptr(ledgerRead)
	gastos.CreateRule = ptr(and(ledgerWrite, "planilla = ''"))
	gastos.UpdateRule = ptr(and(ledgerWrite, "(@request.body.origen:isset = false || @request.body.origen = 'Manual')", bodySede, notSet("planilla")))
	gastos.DeleteRule = ptr(ledgerWrite)
	b.save(gastos)

	docs := core.NewBaseCollection("documentos")
	docs.Fields.Add(rel("empleado", emp, true, false), txt("titulo", true, 200), editor("descripcion"),
		&core.FileField{Name: "archivo", Required: true, MaxSelect: 1, MaxSize: 10 << 20, Protected: true,
			MimeTypes: []string{"application/pdf", "image/jpeg", "image/png",
				"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
		editor("resena"), date("fecha_resena", false), rel("revisado_por", users, false, false))
	timestamps(docs)
	docs.AddIndex("idx_documentos_empleado", false, "empleado, created", "")
	ownDoc := and(ruleStaff, "empleado.usuario = @request.auth.id")
	docStaff := and(rulePerm("documentacion"), ruleSede("empleado.sede"))
	docs.ListRule, docs.ViewRule = ptr(or(docStaff, ownDoc)), ptr(or(docStaff, ownDoc))
	docs.CreateRule = ptr(and(ownDoc, notSet("resena", "fecha_resena", "revisado_por")))
	docs.UpdateRule = ptr(or(
		and(docStaff, notSet("empleado", "archivo", "titulo")),
		and(ownDoc, "resena = ''", notSet("empleado", "resena", "fecha_resena", "revisado_por")),
	))
	docs.DeleteRule = ptr(and(ownDoc, "resena = ''"))
	b.save(docs)

	// --- Academic records ---------------------------------------------------------------
	notas := core.NewBaseCollection("notas")
	notas.Fields.Add(rel("matricula", matr, true, false), rel("malla", malla, true, false),
		choice("tipo", true, "Práctica", "Teórica", "Final", "Recuperación"),
		numRange("nota", true, 0, 20), editor("observaciones"), rel("registrado_por", users, false, false))
	notas.Fields.GetByName("nota").(*core.NumberField).Required = false // 0 is a valid grade; presence checked in hooks
	timestamps(notas)
	notas.AddIndex("idx_notas_natural", true, "matricula, malla, tipo", "")
	notas.AddIndex("idx_notas_malla", false, "malla", "")
	notaWrite := academic("notas", "matricula.")
	notas.ListRule, notas.ViewRule = ptr(or(and(ruleStudent, "matricula.alumno = @request.auth.id"), notaWrite)), ptr(or(and(ruleStudent, "matricula.alumno = @request.auth.id"), notaWrite))
	notas.CreateRule = ptr(notaWrite)
	notas.UpdateRule = ptr(and(notaWrite, notSet("matricula", "registrado_por")))
	notas.DeleteRule = ptr(notaWrite)
	b.save(notas)

	asis := core.NewBaseCollection("asistencias")
	asis.Fields.Add(rel("matricula", matr, true, false), rel("malla", malla, false, false), date("fecha_clase", true),
		boolean("asistio"), txt("justificacion", false, 1000), rel("registrado_por", users, false, false))
	timestamps(asis)
	asis.AddIndex("idx_asistencias_natural", true, "matricula, malla, fecha_clase", "")
	asis.AddIndex("idx_asistencias_fecha", false, "fecha_clase", "")
	asisWrite := academic("asistencias", "matricula.")
	asis.ListRule, asis.ViewRule = ptr(or(and(ruleStudent, "matricula.alumno = @request.auth.id"), asisWrite)), ptr(or(and(ruleStudent, "matricula.alumno = @request.auth.id"), asisWrite))
	asis.CreateRule = ptr(asisWrite)
	asis.UpdateRule = ptr(and(asisWrite, notSet("matricula", "registrado_por")))
	asis.DeleteRule = ptr(asisWrite)
	b.save(asis)

	// --- Audit trail (written only by the server) -----------------------------------------
	aud := core.NewBaseCollection("auditoria")
	aud.Fields.Add(txt("coleccion", true, 100), txt("registro", true, 50), choice("accion", true, "crear", "actualizar", "eliminar", "anular", "pagar", "aprobar", "rechazar"),
		rel("usuario", users, false, false), txt("actor", false, 255), jsonField("antes"), jsonField("despues"), rel("sede", sedes, false, false))
	timestamps(aud)
	aud.AddIndex("idx_auditoria_registro", false, "coleccion, registro", "")
	aud.AddIndex("idx_auditoria_created", false, "created", "")
	audRead := or(
		rulePerm("roles"),
		and(rulePerm("finanzas"), "(coleccion = 'pagos' || coleccion = 'ingresos' || coleccion = 'gastos' || coleccion = 'planillas')", ruleSede("sede")),
		and(rulePerm("notas"), "coleccion = 'notas'", ruleSede("sede")),
	)
	aud.ListRule, aud.ViewRule = ptr(audRead), ptr(audRead)
	b.save(aud)

	return b.err
}

func ptrF(f float64) *float64 { return &f }

func downCoreSchema(app core.App) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	for _, f := range []string{"nombre", "rol", "permisos_extra", "sedes", "activo"} {
		users.Fields.RemoveByName(f)
	}
	users.RemoveIndex("idx_users_rol")
	users.Fields.Add(&core.TextField{Name: "name", Max: 255})
	if avatar, ok := users.Fields.GetByName("avatar").(*core.FileField); ok {
		avatar.Protected = false
	}
	owner := "id = @request.auth.id"
	users.ListRule, users.ViewRule, users.UpdateRule, users.DeleteRule = &owner, &owner, &owner, &owner
	empty := ""
	users.CreateRule, users.ManageRule, users.AuthRule = &empty, nil, &empty
	for _, c := range []string{"docentes_programa", "leads", "interacciones", "matriculas", "pagos", "ingresos", "empleados", "planillas", "gastos", "documentos", "notas", "asistencias", "auditoria"} {
		// drop the rules first: they reference users fields that are about to go
		if col, err := app.FindCollectionByNameOrId(c); err == nil {
			col.ListRule, col.ViewRule, col.CreateRule, col.UpdateRule, col.DeleteRule = nil, nil, nil, nil, nil
			if err := app.Save(col); err != nil {
				return err
			}
		}
	}
	for _, c := range []string{"alumnos", "roles", "programas", "malla", "cursos", "cuotas", "sedes", "modalidades", "medios_contacto", "medios_pago", "departamentos", "provincias", "distritos"} {
		if col, err := app.FindCollectionByNameOrId(c); err == nil {
			col.ListRule, col.ViewRule, col.CreateRule, col.UpdateRule, col.DeleteRule = nil, nil, nil, nil, nil
			if err := app.Save(col); err != nil {
				return err
			}
		}
	}
	if err := app.Save(users); err != nil {
		return err
	}
	for i := len(coreCollections) - 1; i >= 0; i-- {
		c, err := app.FindCollectionByNameOrId(coreCollections[i])
		if err != nil {
			continue
		}
		if err := app.Delete(c); err != nil {
			return err
		}
	}
	return nil
}
