package enrollment

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/audit"
)

// Lead states.
const (
	LeadPendiente   = "Pendiente"
	LeadAtendido    = "Atendido"
	LeadNoAtendido  = "No Atendido"
	LeadConvertido  = "Convertido"
	interaccionTipo = "Observación"
)

// PrepareLead fills a new lead's defaults: state Pendiente and entry date now.
func PrepareLead(r *core.Record) {
	if r.GetString("estado_lead") == "" {
		r.Set("estado_lead", LeadPendiente)
	}
	if r.GetDateTime("fecha_ingreso").IsZero() {
		r.Set("fecha_ingreso", time.Now().UTC())
	}
}

// ValidateNewLead enforces the lifecycle on creation: only Pendiente, an active staff asesor.
func ValidateNewLead(app core.App, r *core.Record) error {
	if r.GetString("estado_lead") != LeadPendiente {
		return fieldErr("estado_lead", "estado_inicial", "Un lead nuevo empieza en estado Pendiente; se convierte solo con la matrícula.")
	}
	return validateAsesor(app, r)
}

// ValidateLeadUpdate enforces the lifecycle on change: Pendiente, Atendido and No Atendido
// move freely; Convertido is set only by the conversion and is final.
func ValidateLeadUpdate(app core.App, r *core.Record) error {
	before, after := r.Original().GetString("estado_lead"), r.GetString("estado_lead")
	if before != after && !flagged(r, flagConversion) {
		if before == LeadConvertido {
			return fieldErr("estado_lead", "lead_convertido", "El lead ya fue convertido en matrícula; su estado no cambia.")
		}
		if after == LeadConvertido {
			return fieldErr("estado_lead", "conversion", "Para convertir un lead registre su matrícula (botón Convertir).")
		}
	}
	if r.GetString("asesor") != r.Original().GetString("asesor") {
		return validateAsesor(app, r)
	}
	return nil
}

func validateAsesor(app core.App, r *core.Record) error {
	u, err := app.FindRecordById("users", r.GetString("asesor"))
	if err != nil || !u.GetBool("activo") {
		return fieldErr("asesor", "asesor_inactivo", "El asesor debe ser un usuario del personal activo.")
	}
	return nil
}

// LogNewLead records the first observation of a new lead as an interaction.
func LogNewLead(tx core.App, r *core.Record) error {
	obs := r.GetString("observaciones")
	if obs == "" {
		return nil
	}
	return addInteraccion(tx, r.Id, audit.ActorOf(r).UserID, interaccionTipo, "Observación inicial: "+obs)
}

// LogLeadChange records a state change as an interaction.
func LogLeadChange(tx core.App, r *core.Record) error {
	before, after := r.Original().GetString("estado_lead"), r.GetString("estado_lead")
	if before == after || flagged(r, flagConversion) {
		return nil // the conversion logs its own, more telling interaction
	}
	return addInteraccion(tx, r.Id, audit.ActorOf(r).UserID, "Otro", fmt.Sprintf("Cambio de estado: %s → %s", before, after))
}

func addInteraccion(tx core.App, lead, usuario, tipo, resultado string) error {
	col, err := tx.FindCachedCollectionByNameOrId("interacciones")
	if err != nil {
		return err
	}
	i := core.NewRecord(col)
	i.Set("lead", lead)
	i.Set("usuario", usuario)
	i.Set("fecha", time.Now().UTC())
	i.Set("tipo", tipo)
	i.Set("resultado", resultado)
	if err := tx.Save(i); err != nil {
		return fmt.Errorf("interaccion: %w", err)
	}
	return nil
}
