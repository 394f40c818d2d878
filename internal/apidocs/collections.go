package apidocs

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// Documented reports whether a collection's record API is documented: every collection
// except PocketBase's internal ones (names starting with "_", e.g. _superusers).
func Documented(c *core.Collection) bool { return !strings.HasPrefix(c.Name, "_") }

// collectionDocs adds one collection's record API to a document.
type collectionDocs struct {
	doc *Document
	// name resolves a collection id to its name (relations store ids).
	name func(id string) string
	// documented tells whether a collection name has its own schemas (for expand refs).
	documented func(name string) bool
	// idempotent lists the collections whose create honours Idempotency-Key.
	idempotent map[string]bool
}

func (d *collectionDocs) add(c *core.Collection) {
	name, base := c.Name, RecordSchemaName(c.Name)
	schemas := d.doc.Components.Schemas
	schemas[base] = d.recordSchema(c)
	schemas[base+"List"] = Object(
		Prop("page", Integer().Desc("Página actual (desde 1).")),
		Prop("perPage", Integer().Desc("Registros por página.")),
		Prop("totalItems", Integer().Desc("Total de registros; -1 con skipTotal.")),
		Prop("totalPages", Integer().Desc("Total de páginas; -1 con skipTotal.")),
		Prop("items", ArrayOf(RecordOf(name))),
	).Desc(fmt.Sprintf("Página de registros de «%s».", name))

	records := "/api/collections/" + name + "/records"
	one := records + "/{id}"
	var superOnly []string
	op := func(action, path, method string, rule *string, build func(*Operation)) {
		if rule == nil {
			superOnly = append(superOnly, action)
			return
		}
		o := &Operation{Tags: []string{name}, Responses: map[string]*Response{}}
		if *rule == "" {
			o.Security = optionalAuth
			o.Description = "Pública: no requiere sesión."
		} else {
			o.Description = "Requiere sesión; la regla de acceso de la colección decide qué registros ve o cambia el usuario."
		}
		build(o)
		d.doc.path(path).set(method, o)
	}

	op("listar", records, http.MethodGet, c.ListRule, func(o *Operation) {
		o.OperationID, o.Summary = "list"+base, "Listar "+name
		o.Parameters = refParams("page", "perPage", "sort", "filter", "expand", "fields", "skipTotal")
		o.Responses["200"] = jsonResponse("Página de registros.", ListOf(name))
		addErrors(o, 400)
	})
	op("ver", one, http.MethodGet, c.ViewRule, func(o *Operation) {
		o.OperationID, o.Summary = "view"+base, "Ver un registro de "+name
		o.Parameters = refParams("RecordId", "expand", "fields")
		o.Responses["200"] = jsonResponse("El registro.", RecordOf(name))
		addErrors(o, 403, 404)
	})
	if !c.IsView() {
		schemas[base+"Create"] = d.bodySchema(c, modeCreate)
		schemas[base+"Update"] = d.bodySchema(c, modeUpdate)
		files := d.bodySchema(c, modeFiles)
		if len(files.Properties) > 0 {
			schemas[base+"CreateForm"] = &Schema{AllOf: []*Schema{Ref(base + "Create"), files}, Description: "Cuerpo multipart/form-data: los campos de Create más los archivos."}
			upd := *files
			upd.Required = nil
			schemas[base+"UpdateForm"] = &Schema{AllOf: []*Schema{Ref(base + "Update"), &upd}, Description: "Cuerpo multipart/form-data: los campos de Update más los archivos (`campo+` añade, `campo-` quita)."}
		}
		body := func(kind string) *RequestBody {
			rb := &RequestBody{Required: true, Content: map[string]*MediaType{"application/json": {Schema: Ref(base + kind)}}}
			if len(files.Properties) > 0 {
				rb.Content["multipart/form-data"] = &MediaType{Schema: Ref(base + kind + "Form")}
			}
			return rb
		}
		op("crear", records, http.MethodPost, c.CreateRule, func(o *Operation) {
			o.OperationID, o.Summary = "create"+base, "Crear un registro de "+name
			o.Parameters = refParams("expand", "fields")
			if d.idempotent[name] {
				o.Parameters = append(o.Parameters, &Parameter{Ref: "#/components/parameters/IdempotencyKey"})
			}
			o.RequestBody = body("Create")
			o.Responses["200"] = jsonResponse("El registro creado.", RecordOf(name))
			addErrors(o, 400, 403, 413)
		})
		op("actualizar", one, http.MethodPatch, c.UpdateRule, func(o *Operation) {
			o.OperationID, o.Summary = "update"+base, "Actualizar un registro de "+name
			o.Parameters = refParams("RecordId", "expand", "fields")
			o.RequestBody = body("Update")
			o.Responses["200"] = jsonResponse("El registro actualizado.", RecordOf(name))
			addErrors(o, 400, 403, 404, 413)
		})
		op("eliminar", one, http.MethodDelete, c.DeleteRule, func(o *Operation) {
			o.OperationID, o.Summary = "delete"+base, "Eliminar un registro de "+name
			o.Parameters = refParams("RecordId")
			o.Responses["204"] = &Response{Description: "Registro eliminado."}
			addErrors(o, 400, 403, 404)
		})
	}
	if c.IsAuth() {
		d.addAuth(c)
	}

	desc := fmt.Sprintf("Colección «%s» (%s): API de registros de PocketBase en `%s`.", name, c.Type, records)
	if len(superOnly) > 0 {
		desc += " Solo superusuarios pueden " + strings.Join(superOnly, ", ") + " (regla de API vacía)."
	}
	d.doc.Tags = append(d.doc.Tags, Tag{Name: name, Description: desc, Collection: base})
}

// addAuth documents the password auth flow of an auth collection.
func (d *collectionDocs) addAuth(c *core.Collection) {
	name, base := c.Name, RecordSchemaName(c.Name)
	root := "/api/collections/" + name
	d.doc.Components.Schemas[base+"Auth"] = Object(
		Prop("token", String().Desc("Token de sesión: envíelo tal cual en la cabecera Authorization.")),
		Prop("record", RecordOf(name)),
	).Desc(fmt.Sprintf("Sesión iniciada en «%s».", name))
	add := func(path, id, summary string, build func(*Operation)) {
		o := &Operation{OperationID: id + base, Tags: []string{name}, Summary: summary, Responses: map[string]*Response{}, Security: optionalAuth}
		build(o)
		d.doc.path(root+path).set(http.MethodPost, o)
	}
	if c.PasswordAuth.Enabled {
		add("/auth-with-password", "authWithPassword", "Iniciar sesión en "+name, func(o *Operation) {
			o.Description = "Identidad: " + strings.Join(c.PasswordAuth.IdentityFields, " o ") + "."
			o.RequestBody = jsonBody(Object(
				Prop("identity", String().Desc("Valor de "+strings.Join(c.PasswordAuth.IdentityFields, " o ")+".").Example("ana@example.com")),
				Prop("password", String().Example("********")),
			))
			o.Responses["200"] = jsonResponse("Sesión iniciada.", Ref(base+"Auth"))
			addErrors(o, 400, 429)
		})
	}
	add("/auth-refresh", "authRefresh", "Renovar el token de "+name, func(o *Operation) {
		o.Security = nil // the collection's own token is required
		o.Description = "Devuelve un token nuevo y el registro actualizado del usuario de la sesión."
		o.Responses["200"] = jsonResponse("Sesión renovada.", Ref(base+"Auth"))
		addErrors(o, 401, 403, 404)
	})
	add("/request-password-reset", "requestPasswordReset", "Pedir el correo para restablecer la contraseña", func(o *Operation) {
		o.Description = "Responde 204 aunque el correo no exista, para no revelar qué cuentas hay."
		o.RequestBody = jsonBody(Object(Prop("email", String().Fmt("email"))))
		o.Responses["204"] = &Response{Description: "Correo enviado (si la cuenta existe)."}
		addErrors(o, 400)
	})
	add("/confirm-password-reset", "confirmPasswordReset", "Fijar la nueva contraseña con el token del correo", func(o *Operation) {
		o.RequestBody = jsonBody(Object(
			Prop("token", String().Desc("Token recibido por correo.")),
			Prop("password", String()),
			Prop("passwordConfirm", String()),
		))
		o.Responses["204"] = &Response{Description: "Contraseña cambiada."}
		addErrors(o, 400)
	})
}

// recordSchema is a record as the API returns it: every visible field is present
// (empty values are "", 0, false or []), except an auth record's email, which is only
// shown to its owner and to superusers unless emailVisibility is on.
func (d *collectionDocs) recordSchema(c *core.Collection) *Schema {
	s := Object(
		Prop("collectionId", String()),
		Prop("collectionName", String().Example(c.Name)),
	)
	expand := &Schema{Type: "object", AdditionalProperties: true,
		Description: "Registros relacionados pedidos con `expand` (solo los que el usuario puede ver)."}
	for _, f := range c.Fields {
		fs, ok, required := fieldSchema(f, modeRecord, d.name)
		if !ok {
			continue
		}
		if c.IsAuth() && f.GetName() == core.FieldNameEmail {
			required = false
		}
		s.Properties = append(s.Properties, Property{Name: f.GetName(), Schema: fs, Optional: !required})
		if required {
			s.Required = append(s.Required, f.GetName())
		}
		if rel, isRel := f.(*core.RelationField); isRel {
			target := RecordOf(d.name(rel.CollectionId))
			if !d.documented(d.name(rel.CollectionId)) {
				target = Ref("Record")
			}
			if rel.MaxSelect > 1 {
				target = ArrayOf(target)
			}
			expand.Properties = append(expand.Properties, Opt(f.GetName(), target))
		}
	}
	s.Properties = append(s.Properties, Opt("expand", expand))
	s.Description = fmt.Sprintf("Registro de «%s».", c.Name)
	return s
}

// bodySchema is the create or update body (JSON fields), or the file parts (modeFiles).
func (d *collectionDocs) bodySchema(c *core.Collection, m mode) *Schema {
	s := &Schema{Type: "object"}
	for _, f := range c.Fields {
		fs, ok, required := fieldSchema(f, m, d.name)
		if !ok {
			continue
		}
		s.Properties = append(s.Properties, Property{Name: f.GetName(), Schema: fs, Optional: !required})
		if required {
			s.Required = append(s.Required, f.GetName())
		}
	}
	if c.IsAuth() && m != modeFiles {
		confirm := String().Desc("Repita la contraseña.")
		confirm.WriteOnly = true
		if m == modeCreate {
			s.Properties = append(s.Properties, Prop("passwordConfirm", confirm))
			s.Required = append(s.Required, "passwordConfirm")
		} else {
			old := String().Desc("Contraseña actual: obligatoria al cambiarla (salvo superusuarios).")
			old.WriteOnly = true
			s.Properties = append(s.Properties, Opt("passwordConfirm", confirm), Opt("oldPassword", old))
		}
	}
	switch m {
	case modeCreate:
		s.Description = fmt.Sprintf("Cuerpo para crear un registro de «%s».", c.Name)
	case modeUpdate:
		s.Description = fmt.Sprintf("Cuerpo para actualizar un registro de «%s»: envíe solo los campos que cambian.", c.Name)
	}
	return s
}

// optionalAuth lets an operation run with or without a session.
var optionalAuth = []SecurityRequirement{{}, {"authToken": {}}}

func jsonResponse(description string, s *Schema) *Response {
	return &Response{Description: description, Content: map[string]*MediaType{"application/json": {Schema: s}}}
}

func jsonBody(s *Schema) *RequestBody {
	return &RequestBody{Required: true, Content: map[string]*MediaType{"application/json": {Schema: s}}}
}

func refParams(names ...string) []*Parameter {
	out := make([]*Parameter, len(names))
	for i, n := range names {
		out[i] = &Parameter{Ref: "#/components/parameters/" + n}
	}
	return out
}
