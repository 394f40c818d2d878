package apidocs

import (
	"net/http"
	"strconv"
)

// errorResponses names the shared error responses and gives each a Spanish example
// (the API translates every error to Spanish before it is written).
var errorResponses = map[int]struct{ name, description, message string }{
	http.StatusBadRequest:            {"BadRequest", "Datos inválidos: `data` indica el error de cada campo.", "Los datos enviados no son válidos."},
	http.StatusUnauthorized:          {"Unauthorized", "Falta el token de sesión o no es válido.", "Debe iniciar sesión para continuar."},
	http.StatusForbidden:             {"Forbidden", "El usuario no tiene el permiso o la sede que la operación requiere.", "No tiene permiso para realizar esta acción."},
	http.StatusNotFound:              {"NotFound", "El registro no existe o el usuario no puede verlo.", "No se encontró el recurso solicitado."},
	http.StatusConflict:              {"Conflict", "La operación choca con el estado actual del registro.", "La operación entra en conflicto con el estado actual."},
	http.StatusRequestEntityTooLarge: {"PayloadTooLarge", "La solicitud (o un archivo) supera el tamaño máximo.", "La solicitud es demasiado grande."},
	http.StatusTooManyRequests:       {"TooManyRequests", "Se superó el límite de solicitudes.", "Demasiadas solicitudes; intente nuevamente en unos segundos."},
	http.StatusInternalServerError:   {"ServerError", "Error interno.", "Ocurrió un error al procesar la solicitud."},
}

// errorSchemas are the shapes of every error the API writes.
func errorSchemas() map[string]*Schema {
	return map[string]*Schema{
		"FieldError": Object(
			Prop("code", String().Desc("Código estable del error (p. ej. validation_required).").Example("validation_required")),
			Prop("message", String().Desc("Mensaje en español para el usuario.").Example("Este campo es obligatorio.")),
		).Desc("Error de un campo."),
		"Error": Object(
			Prop("status", Integer().Desc("Código HTTP.").Example(400)),
			Prop("message", String().Desc("Mensaje en español para el usuario.").Example("Los datos enviados no son válidos.")),
			Prop("data", (&Schema{Type: "object", AdditionalProperties: Ref("FieldError")}).
				Desc("Errores por campo (nombre del campo -> error); vacío si el error no es de un campo.")),
		).Desc("Forma de todos los errores de la API."),
	}
}

// errorComponents are the shared error responses, one per status.
func errorComponents() map[string]*Response {
	out := make(map[string]*Response, len(errorResponses))
	for status, e := range errorResponses {
		example := map[string]any{"status": status, "message": e.message, "data": map[string]any{}}
		if status == http.StatusBadRequest {
			example["data"] = map[string]any{"email": map[string]string{"code": "validation_required", "message": "Este campo es obligatorio."}}
		}
		out[e.name] = &Response{
			Description: e.description,
			Content:     map[string]*MediaType{"application/json": {Schema: Ref("Error"), Example: example}},
		}
	}
	return out
}

// addErrors references the shared responses of statuses in op.
func addErrors(op *Operation, statuses ...int) {
	for _, s := range statuses {
		code := strconv.Itoa(s)
		if _, done := op.Responses[code]; done {
			continue
		}
		if e, ok := errorResponses[s]; ok {
			op.Responses[code] = &Response{Ref: "#/components/responses/" + e.name}
		} else {
			op.Responses[code] = &Response{Description: http.StatusText(s), Content: map[string]*MediaType{"application/json": {Schema: Ref("Error")}}}
		}
	}
}
