package apidocs

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// mode says which schema of a collection a field is described for.
type mode int

const (
	modeRecord mode = iota // a record in a response
	modeCreate             // JSON body of create
	modeUpdate             // JSON body of update
	modeFiles              // the file parts of a multipart create/update body
)

// pbDateTime describes PocketBase's date format. It is not RFC 3339 (a space instead of
// "T"), so no `format: date-time` is declared: generated Swift and Kotlin clients would
// fail to decode it as a Date; they get a string.
const pbDateTime = "Fecha y hora UTC con el formato de PocketBase `2006-01-02 15:04:05.000Z`"

// fieldSchema returns the schema of f in mode m, whether the field appears at all, and
// whether it is required. collectionName resolves relation targets.
func fieldSchema(f core.Field, m mode, collectionName func(id string) string) (s *Schema, ok, required bool) {
	if _, isFile := f.(*core.FileField); m != modeRecord && isFile != (m == modeFiles) {
		return nil, false, false // files travel only as multipart parts
	}
	if f.GetHidden() {
		if _, pw := f.(*core.PasswordField); !pw || m == modeRecord {
			return nil, false, false
		}
	}
	body := m == modeCreate || m == modeFiles
	switch x := f.(type) {
	case *core.TextField:
		if x.PrimaryKey {
			if m == modeUpdate {
				return nil, false, false
			}
			if m == modeCreate {
				return bodyText(x).Desc("Id del registro; opcional: se genera si no se envía."), true, false
			}
			return String().Desc("Id del registro."), true, true
		}
		if m == modeRecord {
			return String().Desc(x.Help), true, true
		}
		return bodyText(x).Desc(x.Help), true, body && x.Required && x.AutogeneratePattern == ""
	case *core.EditorField:
		return String().Desc(join2("Texto HTML.", x.Help)), true, m == modeRecord || body && x.Required
	case *core.EmailField:
		desc := join2(domains(x.OnlyDomains, x.ExceptDomains), x.Help)
		return formatted(m, x.Required, "email", "Correo electrónico", desc), true, m == modeRecord || body && x.Required
	case *core.URLField:
		desc := join2(domains(x.OnlyDomains, x.ExceptDomains), x.Help)
		return formatted(m, x.Required, "uri", "URL", desc), true, m == modeRecord || body && x.Required
	case *core.NumberField:
		s := Number()
		if x.OnlyInt {
			s = Integer()
		}
		s.Description = x.Help
		if m != modeRecord {
			s.Minimum, s.Maximum = x.Min, x.Max
			if x.Required {
				s.Description = join2("Obligatorio: distinto de 0.", s.Description)
			}
		}
		return s, true, m == modeRecord || body && x.Required
	case *core.BoolField:
		s := Boolean().Desc(x.Help)
		if m != modeRecord && x.Required {
			s.Description = join2("Obligatorio: debe ser true.", s.Description)
		}
		return s, true, m == modeRecord || body && x.Required
	case *core.DateField:
		return dateSchema(m, x.Help), true, m == modeRecord || body && x.Required
	case *core.AutodateField:
		if m != modeRecord {
			return nil, false, false
		}
		s := dateSchema(m, "Lo asigna el servidor.")
		s.ReadOnly = true
		return s, true, true
	case *core.SelectField:
		return selectSchema(x, m), true, m == modeRecord || body && x.Required
	case *core.RelationField:
		return relationSchema(x, m, collectionName(x.CollectionId)), true, m == modeRecord || body && x.Required
	case *core.FileField:
		return fileSchema(x, m), true, m == modeRecord || body && x.Required
	case *core.JSONField:
		return Any().Desc(join2("Cualquier valor JSON.", x.Help)), true, m == modeRecord || body && x.Required
	case *core.GeoPointField:
		return Object(Prop("lon", Number().Between(-180, 180)), Prop("lat", Number().Between(-90, 90))).Desc(join2("Coordenadas geográficas.", x.Help)), true, m == modeRecord || body && x.Required
	case *core.PasswordField:
		s := String().Desc("Contraseña.")
		s.WriteOnly = true
		if x.Min > 0 {
			s.MinLength = &x.Min
		}
		maxLen := x.Max
		if maxLen <= 0 {
			maxLen = 71 // bcrypt's limit, PocketBase's default
		}
		s.MaxLen(maxLen)
		return s, true, m == modeCreate && x.Required
	}
	return Any(), true, m == modeRecord
}

// formatted is a string with a format. An optional field reads as "" in a record, which
// the format would reject, so there the format is only described.
func formatted(m mode, required bool, format, what, desc string) *Schema {
	s := String().Desc(desc)
	if m != modeRecord || required {
		return s.Fmt(format)
	}
	return s.Desc(join2(what+" o cadena vacía.", desc))
}

func bodyText(x *core.TextField) *Schema {
	s := String()
	if x.Min > 0 {
		s.MinLength = &x.Min
	}
	if x.Max > 0 {
		s.MaxLen(x.Max)
	} else {
		s.MaxLen(5000)
	}
	s.Pattern = x.Pattern
	return s
}

func dateSchema(m mode, help string) *Schema {
	s := String()
	s.PBFormat = "datetime"
	if m == modeRecord {
		s.Description = join2(pbDateTime+"; cadena vacía si no tiene valor.", help)
		return s.Example("2025-03-01 14:30:00.000Z")
	}
	s.Description = join2(pbDateTime+" (también se acepta RFC 3339).", help)
	return s
}

func selectSchema(x *core.SelectField, m mode) *Schema {
	item := String().OneOf(x.Values...)
	if x.MaxSelect > 1 {
		s := ArrayOf(item).Desc(join2(fmt.Sprintf("Hasta %d valores.", x.MaxSelect), x.Help))
		if m != modeRecord {
			s.MaxItems = &x.MaxSelect
			if m == modeUpdate {
				s.Description = join2(s.Description, "Use `campo+` / `campo-` para añadir o quitar valores.")
			}
		}
		return s
	}
	if m == modeRecord && !x.Required {
		item.Enum = append(item.Enum, "") // an empty select reads as ""
	}
	return item.Desc(x.Help)
}

func relationSchema(x *core.RelationField, m mode, target string) *Schema {
	what := fmt.Sprintf("Id de un registro de «%s».", target)
	if x.MaxSelect > 1 {
		what = fmt.Sprintf("Ids de registros de «%s» (hasta %d).", target, x.MaxSelect)
	} else if m == modeRecord && !x.Required {
		what += " Cadena vacía si no tiene valor."
	}
	what = join2(what, "Use `expand` para obtener el registro completo.")
	s := String()
	if x.MaxSelect > 1 {
		s = ArrayOf(String())
		if m != modeRecord {
			s.MaxItems = &x.MaxSelect
		}
		if m == modeUpdate {
			what = join2(what, "Use `campo+` / `campo-` para añadir o quitar ids.")
		}
	}
	s.Description = join2(what, x.Help)
	s.Relation = target
	return s
}

func fileSchema(x *core.FileField, m mode) *Schema {
	note := "Nombre del archivo guardado; se descarga en `/api/files/{colección}/{id}/{archivo}`."
	if x.Protected {
		note += " Archivo protegido: añada `?token=` obtenido con `POST /api/files/token`."
	}
	if m != modeRecord {
		note = "Archivo a subir (multipart/form-data)."
		if len(x.MimeTypes) > 0 {
			note += " Tipos: " + strings.Join(x.MimeTypes, ", ") + "."
		}
		if x.MaxSize > 0 {
			note += fmt.Sprintf(" Máximo %d bytes por archivo.", x.MaxSize)
		}
	}
	item := String()
	if m != modeRecord {
		item.Format = "binary"
		item.ContentMediaType = "application/octet-stream"
	}
	if x.MaxSelect > 1 {
		s := ArrayOf(item).Desc(join2(note, x.Help))
		if m != modeRecord {
			s.MaxItems = &x.MaxSelect
		}
		return s
	}
	return item.Desc(join2(note, x.Help))
}

func domains(only, except []string) string {
	switch {
	case len(only) > 0:
		return "Solo dominios: " + strings.Join(only, ", ") + "."
	case len(except) > 0:
		return "Dominios no permitidos: " + strings.Join(except, ", ") + "."
	}
	return ""
}

// join2 joins two sentences, skipping empty ones.
func join2(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
