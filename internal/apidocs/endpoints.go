package apidocs

import (
	"net/http"

	"sgul/internal/academic"
	"sgul/internal/access"
	"sgul/internal/dashboard"
	"sgul/internal/enrollment"
	"sgul/internal/finance"
	"sgul/internal/hr"
	"sgul/internal/jobs"
	"sgul/internal/notify"
)

// This file is the list of business endpoints, in the order the docs show them. Add an
// endpoint here when its route lands (the test fails while a route is undocumented);
// an entry whose route does not exist yet is planned and stays out of the document.

// idempotentCreates are the collections whose record create honours Idempotency-Key.
var idempotentCreates = map[string]bool{"pagos": true}

// tagDescriptions describe the business tags.
var tagDescriptions = map[string]string{
	"Matrículas":      "Conversión de leads en matrículas y consultas del alumno.",
	"Pagos":           "Anulación de pagos y revisión de vouchers.",
	"Finanzas":        "Balance de ingresos y gastos.",
	"Académico":       "Resúmenes de notas y asistencia, asistencia grupal.",
	"Planillas":       "Planillas del personal y documentos.",
	"Tablero":         "Indicadores del tablero.",
	"Notificaciones":  "Anuncios a los alumnos y bajas de las campañas de correo.",
	"Rutas heredadas": "Rutas de la arquitectura original del cliente; equivalen a la API de registros (mismas reglas).",
	"Sistema":         "Salud, archivos, cola de trabajos y esta documentación.",
}

const (
	exampleID = "k3v9x1c7m2p8q4z"
	motivoMax = 500
)

func idExample(desc string) *Schema { return String().Desc(desc).Example(exampleID) }

var motivoBody = map[string]any{"motivo": String().Desc("Motivo (obligatorio).").MaxLen(motivoMax).Example("Pago registrado dos veces")}

func init() {
	staffOrStudent := func(perms string) string {
		return "el alumno de la matrícula, o personal con " + perms + " en la sede de la matrícula"
	}
	Register(
		// Matrículas
		Endpoint{
			Method: http.MethodPost, Path: "/api/matriculas", Tag: "Matrículas",
			Summary: "Convertir un lead en matrícula",
			Description: "Crea (o reutiliza por DNI) el alumno, la matrícula con sus cuotas, marca el lead como Convertido " +
				"y envía el correo de bienvenida, todo en una transacción. Acepta JSON o multipart/form-data " +
				"(con archivo_dni y archivo_partida). Con la misma Idempotency-Key responde 200 con lo ya creado y reintento=true. " +
				"También en /api/matriculas/.",
			Permission: access.Matriculas,
			Idempotent: true,
			Request: map[string]any{
				"lead":         idExample("Id del lead."),
				"programa":     idExample("Id del programa."),
				"modalidad":    idExample("Id de la modalidad."),
				"dni":          String().Match(`^[0-9]{8}$`).Example("45678912"),
				"email":        String().Fmt("email").MaxLen(254).Example("ana.quispe@example.com"),
				"telefono?":    String().Match(`^(\+51)?9[0-9]{8}$`).Example("987654321"),
				"sede?":        idExample("Id de la sede; por defecto la del programa."),
				"observacion?": String().MaxLen(5000).Example("Pagará la matrícula con Yape."),
			},
			Files:     []string{"archivo_dni", "archivo_partida"},
			Status:    http.StatusCreated,
			AltStatus: http.StatusOK,
			Response: Object(
				Prop("matricula", RecordOf("matriculas")),
				Prop("alumno", RecordOf("alumnos")),
				Prop("cuotas", ArrayOf(RecordOf("cuotas")).Desc("Cronograma de pagos, por vencimiento.")),
				Prop("reintento", Boolean().Desc("true si respondió a una Idempotency-Key ya usada.")),
			),
			Errors: []int{400, 403, 404, 409, 413},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/matriculas/{id}/estado-cuenta", Tag: "Matrículas",
			Summary:     "Estado de cuenta de una matrícula",
			Description: "Cuotas con lo pagado, el saldo y la deuda vencida a la fecha (Lima). Importes en soles.",
			Permission:  staffOrStudent("matriculas, pagos o finanzas"),
			Response:    enrollment.Statement{},
			Errors:      []int{404},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/matriculas/{id}/notas-resumen", Tag: "Académico",
			Summary:     "Resumen de notas de una matrícula",
			Description: "Notas por mes de la malla y tipo, promedios y conteos (aprobadas >= 14, muy bajas < 10).",
			Permission:  staffOrStudent("notas"),
			Response:    academic.NotasResumen{},
			Errors:      []int{404},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/matriculas/{id}/asistencia-resumen", Tag: "Académico",
			Summary:     "Resumen de asistencia de una matrícula",
			Description: "Porcentaje de asistencia total y por fila de la malla.",
			Permission:  staffOrStudent("asistencias"),
			Response:    academic.AsistenciaResumen{},
			Errors:      []int{404},
		},
		Endpoint{
			Method: http.MethodPost, Path: "/api/asistencias/grupal", Tag: "Académico",
			Summary:     "Registrar la asistencia de una clase completa",
			Description: "Guarda (crea o actualiza) la asistencia de cada alumno de un programa en una fecha, en una transacción.",
			Permission:  access.Asistencias,
			Request: map[string]any{
				"programa": idExample("Id del programa."),
				"fecha":    String().Fmt("date").Desc("Fecha de la clase (Lima), AAAA-MM-DD.").Example("2025-03-10"),
				"malla?":   idExample("Fila de la malla (mes y curso), opcional."),
				"items": ArrayOf(Object(
					Prop("matricula", idExample("Id de la matrícula.")),
					Prop("asistio", Boolean().Example(true)),
					Opt("justificacion", String().Example("Cita médica")),
				)),
			},
			Response: Shape(academic.ResultadoGrupal{}, Fields{"asistencias": ArrayOf(RecordOf("asistencias"))}),
			Errors:   []int{400, 403},
		},

		// Pagos
		Endpoint{
			Method: http.MethodPost, Path: "/api/pagos/{id}/anular", Tag: "Pagos",
			Summary:     "Anular un pago",
			Description: "Marca el pago como anulado y registra el ingreso negativo y el nuevo saldo de la cuota, en una transacción. Los pagos no se eliminan.",
			Permission:  access.Pagos,
			Request:     motivoBody,
			Response:    RecordOf("pagos"),
			Errors:      []int{400, 403, 404},
		},
		Endpoint{
			Method: http.MethodPost, Path: "/api/vouchers/{id}/aprobar", Tag: "Pagos",
			Summary:     "Aprobar un voucher",
			Description: "Convierte el voucher pendiente en un pago real (con su ingreso y la cuota actualizada). Repetir la aprobación no cambia nada (sin_cambios=true).",
			Permission:  access.Pagos,
			Response:    voucherReview(),
			Errors:      []int{400, 403, 404, 409},
		},
		Endpoint{
			Method: http.MethodPost, Path: "/api/vouchers/{id}/rechazar", Tag: "Pagos",
			Summary:    "Rechazar un voucher",
			Permission: access.Pagos,
			Request:    motivoBody,
			Response:   voucherReview(),
			Errors:     []int{400, 403, 404, 409},
		},

		// Finanzas
		Endpoint{
			Method: http.MethodGet, Path: "/api/finanzas/balance", Tag: "Finanzas",
			Summary:     "Balance de ingresos y gastos",
			Description: "Por sede y mes (meses de Lima), con totales. Sin sede_id suma todas las sedes del usuario. También en /api/finanzas/balance/.",
			Permission:  access.Finanzas,
			Query: []Param{
				{Name: "sede_id", Description: "Id de una sede del usuario."},
				{Name: "desde", Description: "Fecha inicial (AAAA-MM-DD, incluida); por defecto el inicio del año.", Schema: String().Fmt("date")},
				{Name: "hasta", Description: "Fecha final (AAAA-MM-DD, incluida); por defecto hoy.", Schema: String().Fmt("date")},
			},
			Response: finance.Balance{},
			Errors:   []int{400, 403},
		},

		// Planillas
		Endpoint{
			Method: http.MethodPost, Path: "/api/planillas/generar", Tag: "Planillas",
			Summary:     "Generar las planillas de un mes",
			Description: "Crea una planilla en Borrador por cada empleado activo de la sede (o de las sedes del usuario). Es idempotente: no toca las que ya existen.",
			Permission:  access.Planillas,
			Request: map[string]any{
				"mes":   Integer().Between(1, 12).Example(3),
				"anio":  Integer().Between(2000, 2100).Example(2025),
				"sede?": idExample("Id de la sede; sin ella, todas las del usuario."),
			},
			Response: hr.ResultadoGenerar{},
			Errors:   []int{400, 403},
		},
		Endpoint{
			Method: http.MethodPost, Path: "/api/planillas/{id}/pagar", Tag: "Planillas",
			Summary:     "Pagar una planilla",
			Description: "Marca la planilla como pagada y registra su gasto, en una transacción.",
			Permission:  access.Planillas,
			Response:    planillaResult(),
			Errors:      []int{400, 403, 404, 409},
		},
		Endpoint{
			Method: http.MethodPost, Path: "/api/planillas/{id}/anular", Tag: "Planillas",
			Summary:     "Anular una planilla",
			Description: "Anula una planilla Pagada y registra el gasto inverso (gasto de la respuesta), en una transacción.",
			Permission:  access.Planillas,
			Request:     motivoBody,
			Response:    planillaResult(),
			Errors:      []int{400, 403, 404, 409},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/documentos/filtros", Tag: "Planillas",
			Summary:     "Filtros de la revisión de documentos",
			Description: "Empleados con documentos y meses (Lima) con documentos; con empleado, solo los meses de ese empleado.",
			Permission:  access.Documentacion,
			Query:       []Param{{Name: "empleado", Description: "Id de un empleado."}},
			Response:    hr.FiltrosDocumentos{},
			Errors:      []int{403},
		},

		// Tablero
		Endpoint{
			Method: http.MethodGet, Path: "/api/dashboard", Tag: "Tablero",
			Summary:     "Indicadores del tablero",
			Description: "KPIs de una sede del usuario, o de todas sin sede_id. Tasas en porcentaje; importes en soles.",
			Permission:  access.Dashboard,
			Query:       []Param{{Name: "sede_id", Description: "Id de una sede del usuario."}},
			Response:    dashboard.Dashboard{},
			Errors:      []int{403},
		},

		// Notificaciones
		Endpoint{
			Method: http.MethodPost, Path: "/api/notificaciones/anuncio", Tag: "Notificaciones",
			Summary: "Enviar un anuncio a los alumnos",
			Description: "Cuenta los alumnos de la audiencia (dentro de las sedes del usuario) y encola el anuncio: " +
				"las notificaciones y los push se crean en segundo plano. Sin audiencia.sede llega a todas las sedes del usuario.",
			Permission: access.Notificaciones,
			Request: map[string]any{
				"titulo":  String().MinLen(3).MaxLen(200).Example("Feriado del lunes"),
				"mensaje": String().MinLen(3).MaxLen(2000).Example("El lunes 7 no hay clases presenciales."),
				"audiencia?": map[string]any{
					"sede?":     idExample("Solo alumnos de esta sede."),
					"programa?": idExample("Solo alumnos de este programa."),
					"estado?":   String().OneOf("Activo", "Retirado", "Egresado").Desc("Estado de la matrícula; por defecto Activo.").Example("Activo"),
				},
			},
			Status:   http.StatusAccepted,
			Response: notify.AnuncioResult{},
			Errors:   []int{400, 403, 413},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/campanas/baja", Tag: "Notificaciones",
			Summary:     "Darse de baja de las campañas de correo (enlace del correo)",
			Description: "Registra la baja de la dirección firmada en el token y responde una página HTML (400, también HTML, si el enlace no es válido).",
			Permission:  Public,
			Query:       []Param{{Name: "token", Required: true, Description: "Token firmado incluido en el enlace del correo."}},
			Response:    String(), ResponseType: "text/html",
		},
		Endpoint{
			Method: http.MethodPost, Path: "/api/campanas/baja", Tag: "Notificaciones",
			Summary:     "Baja con un clic (List-Unsubscribe-Post, RFC 8058)",
			Description: "Lo envía el programa de correo; igual que el GET.",
			Permission:  Public,
			Query:       []Param{{Name: "token", Required: true, Description: "Token firmado incluido en el enlace del correo."}},
			Response:    String(), ResponseType: "text/html",
		},

		// Rutas heredadas del cliente
		Endpoint{
			Method: http.MethodPost, Path: "/api/token/", Tag: "Rutas heredadas",
			Summary:     "Iniciar sesión (personal o alumno)",
			Description: "Equivale a auth-with-password de users si el correo es de personal, o de alumnos si no. También acepta identity o username en lugar de email.",
			Permission:  Public,
			Request:     map[string]any{"email": "ana.quispe@example.com", "password": "********"},
			Response: Object(
				Prop("token", String().Desc("Token de sesión para la cabecera Authorization.")),
				Prop("record", &Schema{AnyOf: []*Schema{RecordOf("users"), RecordOf("alumnos")}}),
			),
			Errors: []int{400, 429},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/leads/", Tag: "Rutas heredadas", ID: "listLeadsLegacy",
			Summary: "Listar leads", Description: "Igual que GET /api/collections/leads/records.",
			Permission: "regla de la colección leads", Shared: listParams,
			Response: ListOf("leads"), Errors: []int{400},
		},
		Endpoint{
			Method: http.MethodPost, Path: "/api/leads/", Tag: "Rutas heredadas", ID: "createLeadLegacy",
			Summary: "Crear un lead", Description: "Igual que POST /api/collections/leads/records.",
			Permission: "regla de la colección leads",
			Request:    CreateBodyOf("leads"), Response: RecordOf("leads"), Errors: []int{400, 403},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/leads/{id}/", Tag: "Rutas heredadas", ID: "viewLeadLegacy",
			Summary: "Ver un lead", Description: "Igual que GET /api/collections/leads/records/{id}.",
			Permission: "regla de la colección leads", Shared: []string{"expand", "fields"},
			Response: RecordOf("leads"), Errors: []int{404},
		},
		Endpoint{
			Method: http.MethodPut, Path: "/api/leads/{id}/", Tag: "Rutas heredadas", ID: "replaceLeadLegacy",
			Summary: "Actualizar un lead (PUT)", Description: "Se trata como PATCH: solo cambian los campos enviados.",
			Permission: "regla de la colección leads",
			Request:    UpdateBodyOf("leads"), Response: RecordOf("leads"), Errors: []int{400, 404},
		},
		Endpoint{
			Method: http.MethodPatch, Path: "/api/leads/{id}/", Tag: "Rutas heredadas", ID: "updateLeadLegacy",
			Summary: "Actualizar un lead", Description: "Igual que PATCH /api/collections/leads/records/{id}.",
			Permission: "regla de la colección leads",
			Request:    UpdateBodyOf("leads"), Response: RecordOf("leads"), Errors: []int{400, 404},
		},
		Endpoint{
			Method: http.MethodDelete, Path: "/api/leads/{id}/", Tag: "Rutas heredadas", ID: "deleteLeadLegacy",
			Summary: "Eliminar un lead", Description: "Igual que DELETE /api/collections/leads/records/{id}.",
			Permission: "regla de la colección leads", Status: http.StatusNoContent, Errors: []int{400, 404},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/empleados/", Tag: "Rutas heredadas", ID: "listEmpleadosLegacy",
			Summary: "Listar empleados", Description: "Igual que GET /api/collections/empleados/records.",
			Permission: "regla de la colección empleados", Shared: listParams,
			Response: ListOf("empleados"), Errors: []int{400},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/programas/", Tag: "Rutas heredadas", ID: "listProgramasLegacy",
			Summary: "Listar programas", Description: "Igual que GET /api/collections/programas/records.",
			Permission: "regla de la colección programas", Shared: listParams,
			Response: ListOf("programas"), Errors: []int{400},
		},

		// Sistema
		Endpoint{
			Method: http.MethodGet, Path: "/api/health", Tag: "Sistema",
			Summary:    "Estado del servidor",
			Permission: Public,
			Response: Object(
				Prop("message", String().Example("API is healthy.")),
				Prop("code", Integer().Example(200)),
				Prop("data", &Schema{Type: "object", AdditionalProperties: true, Description: "Detalles solo para superusuarios."}),
			),
		},
		Endpoint{
			Method: http.MethodPost, Path: "/api/files/token", Tag: "Sistema",
			Summary:     "Token para descargar archivos protegidos",
			Description: "Token de corta duración para añadir como ?token= a la URL de un archivo protegido.",
			Permission:  Authenticated,
			Response:    Object(Prop("token", String())),
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/files/{collection}/{recordId}/{filename}", Tag: "Sistema", ID: "downloadFile",
			Summary:     "Descargar un archivo",
			Description: "Archivo de un campo file. La regla de vista de la colección decide el acceso; los archivos protegidos requieren ?token=.",
			Permission:  Public,
			Query: []Param{
				{Name: "token", Description: "Token de POST /api/files/token (archivos protegidos)."},
				{Name: "thumb", Description: "Miniatura de una imagen, p. ej. 100x100."},
				{Name: "download", Description: "Si es true, fuerza la descarga.", Schema: Boolean()},
			},
			Response:     String().Fmt("binary"),
			ResponseType: "application/octet-stream",
			Errors:       []int{400, 404},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/sgul/jobs/stats", Tag: "Sistema",
			Summary:    "Estado de la cola de trabajos",
			Permission: Superuser,
			Response: Shape(jobs.Snapshot{}, nil).With(
				Prop("oldestPendingAgeSeconds", Number().Desc("Segundos que lleva vencido el trabajo pendiente más antiguo (0 si ninguno).")),
			),
			Errors: []int{403},
		},
		Endpoint{
			Method: http.MethodPost, Path: "/api/sgul/jobs/{id}/retry", Tag: "Sistema",
			Summary:    "Reintentar un trabajo muerto o fallido",
			Permission: Superuser,
			Status:     http.StatusNoContent,
			Errors:     []int{400, 403, 404},
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/docs/openapi.json", Tag: "Sistema",
			Summary:     "Este documento OpenAPI 3.1",
			Description: "Se genera de los esquemas de las colecciones y de esta lista de endpoints; describe solo la forma de la API.",
			Permission:  Public,
			Response:    Any().Desc("Documento OpenAPI 3.1."),
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/docs/", Tag: "Sistema",
			Summary:      "Documentación legible",
			Description:  "Página que muestra este documento; /api/docs redirige aquí.",
			Permission:   Public,
			Response:     String(),
			ResponseType: "text/html",
		},
		Endpoint{
			Method: http.MethodGet, Path: "/api/docs/docs.js", Tag: "Sistema",
			Summary:      "Script de la página de documentación",
			Permission:   Public,
			Response:     String(),
			ResponseType: "text/javascript",
		},
	)
}

var listParams = []string{"page", "perPage", "sort", "filter", "expand", "fields", "skipTotal"}

func voucherReview() *Schema {
	return Shape(academic.RevisionVoucher{}, Fields{
		"voucher": RecordOf("vouchers"),
		"pago":    Nullable(RecordOf("pagos")).Desc("El pago creado; null si se rechazó."),
	})
}

func planillaResult() *Schema {
	return Shape(hr.ResultadoPlanilla{}, Fields{"planilla": RecordOf("planillas"), "gasto": RecordOf("gastos")})
}
