// Package apierror turns PocketBase's English API errors into Spanish ones, keeping
// their status and per-field structure, so every client sees messages its users read.
package apierror

import (
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/tools/router"
)

var messages = map[string]string{
	"failed to create record.":                                           "No se pudo crear el registro.",
	"failed to update record.":                                           "No se pudo actualizar el registro.",
	"failed to delete record.":                                           "No se pudo eliminar el registro.",
	"failed to load the submitted data due to invalid formatting.":       "Los datos enviados no tienen un formato válido.",
	"the requested resource wasn't found.":                               "No se encontró el recurso solicitado.",
	"missing collection context.":                                        "No se encontró la colección solicitada.",
	"something went wrong while processing your request.":                "Ocurrió un error al procesar la solicitud.",
	"the request requires valid record authorization token.":             "Debe iniciar sesión para continuar.",
	"the request requires valid authorization token.":                    "Debe iniciar sesión para continuar.",
	"the authorized record is not allowed to perform this action.":       "No tiene permiso para realizar esta acción.",
	"only superusers can perform this action.":                           "Solo un superusuario puede realizar esta acción.",
	"only superusers can access this resource.":                          "Solo un superusuario puede acceder a este recurso.",
	"failed to authenticate.":                                            "Correo o contraseña incorrectos.",
	"too many requests.":                                                 "Demasiadas solicitudes; intente nuevamente en unos segundos.",
	"invalid filter parameters.":                                         "Los parámetros de filtro no son válidos.",
	"invalid or missing file token.":                                     "El enlace del archivo no es válido o expiró.",
	"the request entity is too large.":                                   "La solicitud es demasiado grande.",
	"request entity too large":                                           "La solicitud es demasiado grande.",
	"an error occurred while validating the submitted data.":             "Los datos enviados no son válidos.",
	"batch requests are not allowed.":                                    "Las solicitudes por lotes no están permitidas.",
	"failed to find a record with the provided identity or password.":    "Correo o contraseña incorrectos.",
	"missing or invalid collection context.":                             "No se encontró la colección solicitada.",
	"the authorized record model is not allowed to perform this action.": "No tiene permiso para realizar esta acción.",
}

var byStatus = map[int]string{
	400: "Solicitud inválida.",
	401: "Debe iniciar sesión para continuar.",
	403: "No tiene permiso para realizar esta acción.",
	404: "No se encontró el recurso solicitado.",
	409: "La operación entra en conflicto con el estado actual.",
	413: "La solicitud es demasiado grande.",
	429: "Demasiadas solicitudes; intente nuevamente en unos segundos.",
	500: "Ocurrió un error al procesar la solicitud.",
}

// fieldMessages maps validation codes (ozzo-validation and PocketBase) to Spanish.
var fieldMessages = map[string]string{
	"validation_required":                        "Este campo es obligatorio.",
	"validation_nil_or_not_empty_required":       "Este campo no puede estar vacío.",
	"validation_empty":                           "Este campo debe estar vacío.",
	"validation_length_out_of_range":             "La longitud no es válida.",
	"validation_length_too_long":                 "El valor es demasiado largo.",
	"validation_length_too_short":                "El valor es demasiado corto.",
	"validation_length_invalid":                  "La longitud no es válida.",
	"validation_min_greater_equal_than_required": "El valor es menor que el mínimo permitido.",
	"validation_max_less_equal_than_required":    "El valor supera el máximo permitido.",
	"validation_min_text_constraint":             "El texto es demasiado corto.",
	"validation_max_text_constraint":             "El texto es demasiado largo.",
	"validation_min_number_constraint":           "El valor es menor que el mínimo permitido.",
	"validation_max_number_constraint":           "El valor supera el máximo permitido.",
	"validation_only_int_constraint":             "Debe ser un número entero.",
	"validation_invalid_format":                  "El formato no es válido.",
	"validation_match_invalid":                   "El formato no es válido.",
	"validation_is_email":                        "Debe ser un correo electrónico válido.",
	"validation_invalid_email":                   "Debe ser un correo electrónico válido.",
	"validation_not_unique":                      "Este valor ya está registrado.",
	"validation_missing_rel_records":             "El registro relacionado no existe.",
	"validation_invalid_value":                   "Valor no válido.",
	"validation_in_invalid":                      "Valor no permitido.",
	"validation_not_in_invalid":                  "Valor no permitido.",
	"validation_too_many_values":                 "Demasiados valores seleccionados.",
	"validation_not_enough_values":               "Seleccione más valores.",
	"validation_invalid_mime_type":               "Tipo de archivo no permitido.",
	"validation_file_size_limit":                 "El archivo supera el tamaño máximo permitido.",
	"validation_invalid_date":                    "Fecha no válida.",
	"validation_date_invalid":                    "Fecha no válida.",
	"validation_invalid_json":                    "JSON no válido.",
	"validation_json_size_limit":                 "El contenido JSON es demasiado grande.",
	"validation_values_mismatch":                 "Los valores no coinciden.",
	"validation_invalid_old_password":            "La contraseña actual no es correcta.",
	"validation_invalid_number":                  "Debe ser un número válido.",
	"validation_invalid_bool":                    "Debe ser verdadero o falso.",
	"validation_is_int":                          "Debe ser un número entero.",
	"validation_invalid_relation":                "Relación no válida.",
	"validation_invalid_url":                     "URL no válida.",
}

// Translate rewrites err's message and field messages in Spanish. Errors whose codes
// start with "sgul_" are ours and already Spanish.
func Translate(err *router.ApiError) {
	if err == nil {
		return
	}
	if es, ok := messages[strings.ToLower(strings.TrimSpace(err.Message))]; ok {
		err.Message = es
	} else if !looksSpanish(err.Message) {
		if es, ok := byStatus[err.Status]; ok {
			err.Message = es
		}
	}
	translateData(err.Data)
}

func translateData(data map[string]any) {
	for _, v := range data {
		switch t := v.(type) {
		case map[string]any:
			if code, ok := t["code"].(string); ok {
				if _, ok := t["message"]; ok {
					if strings.HasPrefix(code, "sgul_") {
						continue
					}
					if code == "validation_invalid_mime_type" {
						english, _ := t["message"].(string)
						t["message"] = mimeMessage(english)
					} else if es, ok := fieldMessages[code]; ok {
						t["message"] = es
					} else {
						t["message"] = "Valor no válido."
					}
					continue
				}
			}
			translateData(t)
		}
	}
}

// mimeNames are the names people know file types by.
var mimeNames = map[string]string{
	"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP",
	"image/gif": "GIF", "image/svg+xml": "SVG",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       "Excel (XLSX)",
}

// mimeMessage says which file types the field accepts, read from PocketBase's message
// (`"name" mime type must be one of: a, b.`; the types come from the schema, the file
// name before them from the client), each field listing its own.
func mimeMessage(english string) string {
	const marker = "must be one of: "
	i := strings.LastIndex(english, marker)
	if i < 0 {
		return fieldMessages["validation_invalid_mime_type"]
	}
	var names []string
	for _, t := range strings.Split(strings.TrimSuffix(english[i+len(marker):], "."), ",") {
		t = strings.TrimSpace(t)
		if n, ok := mimeNames[t]; ok {
			t = n
		}
		if t != "" && !slices.Contains(names, t) {
			names = append(names, t)
		}
	}
	if len(names) == 0 {
		return fieldMessages["validation_invalid_mime_type"]
	}
	return "Tipo de archivo no permitido; se aceptan: " + strings.Join(names, ", ") + "."
}

// looksSpanish is a cheap check for messages our own handlers already wrote in Spanish.
func looksSpanish(s string) bool {
	for _, w := range []string{"ó", "á", "é", "í", "ú", "ñ", " no ", " de ", " la ", " el ", " debe", "Debe", "No ", "Solo", "Ya "} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
