// Package reports generates reports asynchronously: a `reportes` record is created by
// staff (or by the monthly schedule), a job generates its XLSX or CSV file by streaming
// rows from the database into the file, and saves it in the record's protected
// `archivo` field. The requester follows the record (realtime) until it is Listo.
package reports

import (
	"context"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/access"
)

// Collection and job names.
const (
	ColReportes = "reportes"
	JobGenerar  = "reportes.generar"
	JobMensual  = "reportes.mensual"
)

// Report states.
const (
	Pendiente = "Pendiente"
	Generando = "Generando"
	Listo     = "Listo"
	Error     = "Error"
)

// Formats.
const (
	XLSX = "xlsx"
	CSV  = "csv"
)

// Report types.
const (
	Balance      = "balance"
	Ingresos     = "ingresos"
	Gastos       = "gastos"
	EstadoCuenta = "estado_cuenta"
	Morosidad    = "morosidad"
	Leads        = "leads"
	Matriculas   = "matriculas"
	Notas        = "notas"
	Asistencias  = "asistencias"
	Planillas    = "planillas"
)

// Spec describes one report type.
type Spec struct {
	Table Table
	// Perms: besides access.Reportes, the caller needs one of these (none: reportes
	// alone, for aggregate reports without personal data). Kept in sync with the
	// frozen copy in the migration that builds the collection's rules.
	Perms []string
	// Academic reports follow the docente restriction (only programs he teaches).
	Academic bool
	// Generate streams the rows into w.
	Generate func(ctx context.Context, app core.App, p Params, w Writer) error
}

// Specs is every report type.
var Specs = map[string]Spec{
	Balance:      {Table: balanceTable, Generate: genBalance},
	Morosidad:    {Table: morosidadTable, Generate: genMorosidad},
	Ingresos:     {Table: ingresosTable, Perms: []string{access.Finanzas}, Generate: genIngresos},
	Gastos:       {Table: gastosTable, Perms: []string{access.Finanzas}, Generate: genGastos},
	EstadoCuenta: {Table: estadoCuentaTable, Perms: []string{access.Matriculas, access.Pagos, access.Finanzas}, Generate: genEstadoCuenta},
	Leads:        {Table: leadsTable, Perms: []string{access.Leads, access.CrearLead}, Generate: genLeads},
	Matriculas:   {Table: matriculasTable, Perms: []string{access.Matriculas, access.Pagos, access.Finanzas}, Generate: genMatriculas},
	Notas:        {Table: notasTable, Perms: []string{access.Notas}, Academic: true, Generate: genNotas},
	Asistencias:  {Table: asistenciasTable, Perms: []string{access.Asistencias}, Academic: true, Generate: genAsistencias},
	Planillas:    {Table: planillasTable, Perms: []string{access.Planillas}, Generate: genPlanillas},
}
