// Package campaigns sends mass e-mail campaigns to students or leads over the SMTP
// server configured in PocketBase's settings: one envío row per recipient, marked sent
// before the next message is taken, so that a campaign interrupted by a crash resumes
// without sending anyone a second copy; opt-outs (bajas) are honoured by every later
// campaign; progress is written to the campaign record while it sends.
package campaigns

import (
	"fmt"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/mailer"
)

// Collections of this package.
const (
	ColCampanas = "campanas"
	ColEnvios   = "envios"
	ColBajas    = "bajas_correo"
)

// JobEnviar is the job type that sends a campaign.
const JobEnviar = "campanas.enviar"

// Campaign states.
const (
	Borrador   = "Borrador"
	Programada = "Programada"
	Enviando   = "Enviando"
	Enviada    = "Enviada"
	Cancelada  = "Cancelada"
)

// Envío states.
const (
	EnvioPendiente = "pendiente"
	EnvioEnviado   = "enviado"
	EnvioFallido   = "fallido"
	EnvioOmitido   = "omitido"
)

// Audiences.
const (
	AudienciaAlumnos = "alumnos"
	AudienciaLeads   = "leads"
)

var (
	estadosMatricula = []string{"Activo", "Retirado", "Egresado"}
	estadosLead      = []string{"Pendiente", "Atendido", "No Atendido", "Convertido"}
)

// transitions lists the estados staff may move a campaign to, from each estado. Enviando
// and Enviada are set only by the sending job; Enviada and Cancelada are final.
var transitions = map[string][]string{
	Borrador:   {Borrador, Programada, Cancelada},
	Programada: {Programada, Borrador, Cancelada},
	Enviando:   {Enviando, Cancelada},
}

// editable are the estados in which the content and audience may still change.
var editable = []string{Borrador, Programada}

// contentFields are what staff write; the rest of the record belongs to the server.
var contentFields = []string{"asunto", "cuerpo", "audiencia", "sede", "programa", "estado_destinatario", "programada_para"}

// CheckStaffChange refuses estado changes staff may not make and edits of a campaign that
// is no longer a draft or scheduled. before is nil for a new campaign.
func CheckStaffChange(before, after *core.Record) error {
	to := after.GetString("estado")
	if before == nil {
		if to != Borrador && to != Programada {
			return fieldErr("estado", "sgul_estado_inicial", "Una campaña nueva queda en Borrador o Programada.")
		}
		return nil
	}
	from := before.GetString("estado")
	if !slices.Contains(transitions[from], to) {
		return fieldErr("estado", "sgul_transicion", fmt.Sprintf("Una campaña %s no puede pasar a %s.", from, to))
	}
	if !slices.Contains(editable, from) {
		for _, f := range contentFields {
			if fmt.Sprint(before.Get(f)) != fmt.Sprint(after.Get(f)) {
				return fieldErr(f, "sgul_campana_cerrada", "La campaña ya se está enviando o terminó; su contenido no se puede cambiar.")
			}
		}
	}
	return nil
}

// sample is the data used to check a template before any real recipient sees it.
var sample = map[string]any{"Nombre": "Ana Mamani", "Email": "ana@example.com", "Sede": "Sede", "EnlaceBaja": "https://example.com/baja"}

// Validate checks the content and the audience of a campaign: templates that parse and
// render with the available fields ({{.Nombre}}, {{.Email}}, {{.Sede}},
// {{.EnlaceBaja}}), and an estado_destinatario that exists for the audience.
func Validate(app core.App, c *core.Record) error {
	errs := validation.Errors{}
	if _, err := mailer.RenderText(c.GetString("asunto"), sample); err != nil {
		errs["asunto"] = validation.NewError("sgul_plantilla", err.Error())
	} else if strings.ContainsAny(c.GetString("asunto"), "\r\n") {
		errs["asunto"] = validation.NewError("sgul_asunto", "El asunto no puede tener saltos de línea.")
	}
	if _, err := mailer.RenderTemplate(c.GetString("cuerpo"), sample); err != nil {
		errs["cuerpo"] = validation.NewError("sgul_plantilla", err.Error())
	}
	estado := c.GetString("estado_destinatario")
	switch c.GetString("audiencia") {
	case AudienciaAlumnos:
		if estado != "" && !slices.Contains(estadosMatricula, estado) {
			errs["estado_destinatario"] = validation.NewError("sgul_estado", "Para alumnos use Activo, Retirado o Egresado.")
		}
	case AudienciaLeads:
		if estado != "" && !slices.Contains(estadosLead, estado) {
			errs["estado_destinatario"] = validation.NewError("sgul_estado", "Para leads use Pendiente, Atendido, No Atendido o Convertido.")
		}
	}
	if prog := c.GetString("programa"); prog != "" {
		if _, err := app.FindRecordById("programas", prog); err != nil {
			errs["programa"] = validation.NewError("sgul_programa", "El programa no existe.")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func fieldErr(field, code, msg string) error {
	return validation.Errors{field: validation.NewError(code, msg)}
}
