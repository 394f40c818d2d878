package pgmirror

import (
	"github.com/pocketbase/pocketbase/core"
)

// MoneyFields lists the number field names stored as numeric(14,2) in PostgreSQL.
// Every other number field becomes double precision. Extend it before Register.
var MoneyFields = map[string]bool{
	"monto": true, "pagado": true, "descuento_aplicado": true,
	"precio_matricula": true, "precio_pension_virtual": true, "precio_pension_presencial": true,
	"precio_curso_unico": true, "sueldo_basico": true, "sueldo_por_hora": true,
	"comisiones": true, "bonos": true, "descuentos": true, "remuneracion_bruta": true,
	"aporte_pension": true, "neto_pagado": true, "aporte_empleador": true,
	"ingresos": true, "gastos": true, "balance": true,
}

// ExcludedCollections names non-system collections that are never mirrored.
// System collections (_superusers, _otps, _mfas, _authOrigins, _externalAuths) and
// view collections are never mirrored either; logs live in the aux database.
var ExcludedCollections = map[string]bool{}

// secretFieldNames are auth columns kept out of the mirror schema.
const (
	fieldPassword = "password"
	fieldTokenKey = "tokenKey"
)

// IsMirrored reports whether the records of c are copied to PostgreSQL.
func IsMirrored(c *core.Collection) bool {
	if c == nil || c.IsView() || c.System {
		return false
	}
	return !ExcludedCollections[c.Name]
}

// column describes one mirrored field and its PostgreSQL column.
type column struct {
	FieldID   string
	Name      string
	FieldType string
	PGType    string
	Multiple  bool
}

// tableSpec is the PostgreSQL shape of one mirrored collection.
type tableSpec struct {
	ID      string
	Name    string
	Auth    bool
	Columns []column // without the id primary key
}

// specOf derives the PostgreSQL table of a collection. Password and tokenKey
// never appear in it.
func specOf(c *core.Collection) *tableSpec {
	s := &tableSpec{ID: c.Id, Name: c.Name, Auth: c.IsAuth()}
	for _, f := range c.Fields {
		name := f.GetName()
		if name == core.FieldNameId || f.Type() == core.FieldTypePassword {
			continue
		}
		if s.Auth && name == fieldTokenKey {
			continue
		}
		multiple := false
		if m, ok := f.(core.MultiValuer); ok {
			multiple = m.IsMultiple()
		}
		s.Columns = append(s.Columns, column{
			FieldID:   f.GetId(),
			Name:      name,
			FieldType: f.Type(),
			PGType:    pgTypeOf(f.Type(), name, multiple),
			Multiple:  multiple,
		})
	}
	return s
}

// pgTypeOf maps a PocketBase field to its PostgreSQL column type.
func pgTypeOf(fieldType, name string, multiple bool) string {
	switch fieldType {
	case core.FieldTypeNumber:
		if MoneyFields[name] {
			return "numeric(14,2)"
		}
		return "double precision"
	case core.FieldTypeBool:
		return "boolean"
	case core.FieldTypeDate, core.FieldTypeAutodate:
		return "timestamptz"
	case core.FieldTypeJSON, core.FieldTypeGeoPoint:
		return "jsonb"
	case core.FieldTypeSelect, core.FieldTypeRelation, core.FieldTypeFile:
		if multiple {
			return "jsonb"
		}
		return "text"
	default:
		return "text"
	}
}

// zeroSQL is the PostgreSQL literal matching SQLite's column default for a new
// field, used to fill existing rows when a field is added.
func zeroSQL(c column) string {
	switch {
	case c.PGType == "timestamptz":
		return "NULL"
	case c.PGType == "boolean":
		return "false"
	case c.PGType == "double precision", c.PGType == "numeric(14,2)":
		return "0"
	case c.FieldType == core.FieldTypeGeoPoint:
		return `'{"lon":0,"lat":0}'::jsonb`
	case c.PGType == "jsonb" && c.Multiple:
		return `'[]'::jsonb`
	case c.PGType == "jsonb":
		return "NULL"
	default:
		return "''"
	}
}
