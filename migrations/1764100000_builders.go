package migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The builders below are part of the frozen history of 1764100000_core_schema.go:
// later migrations may use them, but never change what they produce.

// moneyMax caps every money field (soles). A larger figure is a typo, not a payment.
const moneyMax = 999_999_999.99

func txt(name string, required bool, max int) *core.TextField {
	return &core.TextField{Name: name, Required: required, Max: max}
}

func txtPattern(name string, required bool, max int, pattern string) *core.TextField {
	return &core.TextField{Name: name, Required: required, Max: max, Pattern: pattern}
}

func editor(name string) *core.TextField { return &core.TextField{Name: name, Max: 20000} }

func money(name string, required bool) *core.NumberField {
	return &core.NumberField{Name: name, Required: required, Min: types.Pointer(0.0), Max: types.Pointer(moneyMax)}
}

func signedMoney(name string) *core.NumberField {
	return &core.NumberField{Name: name, Required: true, Min: types.Pointer(-moneyMax), Max: types.Pointer(moneyMax)}
}

func intRange(name string, required bool, min, max float64) *core.NumberField {
	return &core.NumberField{Name: name, Required: required, OnlyInt: true, Min: types.Pointer(min), Max: types.Pointer(max)}
}

func numRange(name string, required bool, min, max float64) *core.NumberField {
	return &core.NumberField{Name: name, Required: required, Min: types.Pointer(min), Max: types.Pointer(max)}
}

func boolean(name string) *core.BoolField { return &core.BoolField{Name: name} }

func date(name string, required bool) *core.DateField {
	return &core.DateField{Name: name, Required: required}
}

func choice(name string, required bool, values ...string) *core.SelectField {
	return &core.SelectField{Name: name, Required: required, MaxSelect: 1, Values: values}
}

func multiChoice(name string, values ...string) *core.SelectField {
	return &core.SelectField{Name: name, MaxSelect: len(values), Values: values}
}

func email(name string, required bool) *core.EmailField {
	return &core.EmailField{Name: name, Required: required}
}

func jsonField(name string) *core.JSONField { return &core.JSONField{Name: name, MaxSize: 1 << 20} }

// rel is a single relation. Without cascade, PocketBase refuses to delete the target
// while a required reference exists and unsets an optional one.
func rel(name string, target *core.Collection, required, cascade bool) *core.RelationField {
	return &core.RelationField{Name: name, CollectionId: target.Id, Required: required, CascadeDelete: cascade, MaxSelect: 1}
}

func multiRel(name string, target *core.Collection, required bool) *core.RelationField {
	return &core.RelationField{Name: name, CollectionId: target.Id, Required: required, MaxSelect: 999}
}

// docFile is a protected upload (PDF, JPEG or PNG, 5 MB) such as a DNI scan or a voucher.
func docFile(name string) *core.FileField {
	return &core.FileField{
		Name: name, MaxSelect: 1, MaxSize: 5 << 20, Protected: true,
		MimeTypes: []string{"application/pdf", "image/jpeg", "image/png"},
	}
}

func timestamps(c *core.Collection) {
	c.Fields.Add(
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
}

// Rule fragments. A staff member is an active record of `users`; its effective
// permissions are the union of its role's permisos and its own permisos_extra.
const (
	ruleAuthed  = "@request.auth.id != ''"
	ruleStaff   = "@request.auth.collectionName = 'users' && @request.auth.activo = true"
	ruleStudent = "@request.auth.collectionName = 'alumnos'"
)

func rulePerm(codes ...string) string {
	parts := make([]string, 0, len(codes)*2)
	for _, c := range codes {
		parts = append(parts, "@request.auth.rol.permisos:each ?= '"+c+"'", "@request.auth.permisos_extra:each ?= '"+c+"'")
	}
	return "(" + ruleStaff + " && (" + strings.Join(parts, " || ") + "))"
}

// ruleSede limits sede-bound data to the sedes the staff member is assigned to.
func ruleSede(field string) string { return "@request.auth.sedes.id ?= " + field }

func and(parts ...string) string { return "(" + strings.Join(parts, " && ") + ")" }
func or(parts ...string) string  { return "(" + strings.Join(parts, " || ") + ")" }

func ptr(s string) *string { return &s }

// notSet is true when the request body does not touch any of the fields.
func notSet(fields ...string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = "@request.body." + f + ":isset = false"
	}
	return strings.Join(parts, " && ")
}
