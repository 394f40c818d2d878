package enrollment

import (
	"errors"
	"regexp"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/security"

	"sgul/internal/access"
	"sgul/internal/audit"
	"sgul/internal/idempotency"
)

// ConversionRoute is the idempotency scope of conversions.
const ConversionRoute = "POST /api/matriculas"

var dniPattern = regexp.MustCompile(`^[0-9]{8}$`)

// ConvertInput is the body of POST /api/matriculas/.
type ConvertInput struct {
	Lead        string `json:"lead" form:"lead"`
	Programa    string `json:"programa" form:"programa"`
	Modalidad   string `json:"modalidad" form:"modalidad"`
	DNI         string `json:"dni" form:"dni"`
	Email       string `json:"email" form:"email"`
	Telefono    string `json:"telefono" form:"telefono"`
	Sede        string `json:"sede" form:"sede"`
	Observacion string `json:"observacion" form:"observacion"`

	ArchivoDNI     *filesystem.File `json:"-" form:"-"`
	ArchivoPartida *filesystem.File `json:"-" form:"-"`
	IdempotencyKey string           `json:"-" form:"-"`

	// SinCorreo skips the welcome (password-reset) mail: imports and the demo loader.
	SinCorreo bool `json:"-" form:"-"`

	// FechaInscripcion backdates the enrolment (imports and the demo loader; not from the API).
	FechaInscripcion time.Time `json:"-" form:"-"`

	// PasswordHash, when set, is stored as a new alumno's bcrypt hash instead of hashing a
	// random password (imports and the scale demo hash one password once for thousands of
	// students; bcrypt costs ~70 ms each). Not from the API.
	PasswordHash string `json:"-" form:"-"`
}

// Validate checks the body's shape (Spanish field messages).
func (in *ConvertInput) Validate() error {
	in.DNI = strings.TrimSpace(in.DNI)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Telefono = strings.TrimSpace(in.Telefono)
	// sgul_ codes keep these messages: the API's translator replaces the generic ones.
	msg := func(code, text string) validation.Error { return validation.NewError("sgul_"+code, text) }
	return validation.ValidateStruct(in,
		validation.Field(&in.Lead, validation.Required.ErrorObject(msg("lead", "Seleccione el lead.")), validation.Length(1, 50)),
		validation.Field(&in.Programa, validation.Required.ErrorObject(msg("programa", "Seleccione el programa.")), validation.Length(1, 50)),
		validation.Field(&in.Modalidad, validation.Required.ErrorObject(msg("modalidad", "Seleccione la modalidad.")), validation.Length(1, 50)),
		validation.Field(&in.DNI, validation.Required.ErrorObject(msg("dni", "Ingrese el DNI.")), validation.Match(dniPattern).ErrorObject(msg("dni", "El DNI debe tener 8 dígitos."))),
		validation.Field(&in.Email, validation.Required.ErrorObject(msg("email", "Ingrese el correo.")), validation.Length(3, 254).ErrorObject(msg("email", "Correo demasiado largo.")), is.EmailFormat.ErrorObject(msg("email", "Ingrese un correo válido."))),
		validation.Field(&in.Telefono, validation.Match(regexp.MustCompile(`^(\+51)?9[0-9]{8}$`)).ErrorObject(msg("telefono", "El celular debe tener 9 dígitos y empezar con 9."))),
		validation.Field(&in.Sede, validation.Length(0, 50)),
		validation.Field(&in.Observacion, validation.Length(0, 5000).ErrorObject(msg("observacion", "La observación es demasiado larga."))),
	)
}

// Conversion is what a conversion created (or, on a replay, had created).
type Conversion struct {
	Matricula *core.Record
	Alumno    *core.Record
	NewAlumno bool
	Replayed  bool
}

// Convert turns a lead into a student with a matrícula and its payment schedule, in one
// transaction: the alumno (reused when the DNI already studies here), the matrícula (its
// hooks write the cuotas), the lead set to Convertido, and an interaction.
func Convert(app core.App, auth *core.Record, in ConvertInput) (*Conversion, error) {
	if err := access.Require(app, auth, access.Matriculas); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, router.NewBadRequestError("Datos inválidos.", err)
	}
	actor := audit.ActorFromAuth(auth)
	out := &Conversion{}
	err := app.RunInTransaction(func(tx core.App) error {
		if in.IdempotencyKey != "" {
			if id := idempotency.Find(tx, actor.Label, ConversionRoute, in.IdempotencyKey); id != "" {
				return idempotency.ErrReplay
			}
		}
		lead, err := tx.FindRecordById("leads", in.Lead)
		if err != nil || !access.InSede(tx, auth, lead.GetString("sede")) {
			return router.NewNotFoundError("El lead no existe.", nil)
		}
		if lead.GetString("estado_lead") == LeadConvertido {
			return router.NewApiError(409, "El lead ya fue convertido en matrícula.", nil)
		}
		alumno, isNew, err := findOrCreateAlumno(tx, lead, in)
		if err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId("matriculas")
		if err != nil {
			return err
		}
		mat := core.NewRecord(col)
		mat.Set("alumno", alumno.Id)
		mat.Set("programa", in.Programa)
		mat.Set("modalidad", in.Modalidad)
		// The lead's sede unless another one is chosen; either way the program must be
		// offered there (a program of another sede is refused on the field sede).
		sede := in.Sede
		if sede == "" {
			sede = lead.GetString("sede")
		}
		mat.Set("sede", sede)
		mat.Set("asesor", lead.GetString("asesor"))
		mat.Set("usuario_inscripcion", actor.UserID)
		mat.Set("observacion", in.Observacion)
		if !in.FechaInscripcion.IsZero() {
			mat.Set("fecha_inscripcion", in.FechaInscripcion)
		}
		audit.SetActor(mat, actor)
		PrepareMatricula(mat)
		if err := ValidateNewMatricula(tx, mat); err != nil {
			return err
		}
		if mat.GetString("sede") != "" && !access.InSede(tx, auth, mat.GetString("sede")) {
			return router.NewForbiddenError("No tiene acceso a la sede de la matrícula.", nil)
		}
		if err := tx.Save(mat); err != nil {
			return err
		}
		lead.Set("estado_lead", LeadConvertido)
		lead.Set(flagConversion, true)
		audit.SetActor(lead, actor)
		if err := tx.Save(lead); err != nil {
			return err
		}
		if err := addInteraccion(tx, lead.Id, actor.UserID, "Otro", "Convertido: matrícula "+mat.Id+observacionSuffix(in.Observacion)); err != nil {
			return err
		}
		if in.IdempotencyKey != "" {
			if err := idempotency.Claim(tx, actor.Label, ConversionRoute, in.IdempotencyKey, "matriculas", mat.Id); err != nil {
				return err
			}
		}
		out.Matricula, out.Alumno, out.NewAlumno = mat, alumno, isNew
		return nil
	})
	if errors.Is(err, idempotency.ErrReplay) {
		return replay(app, actor.Label, in.IdempotencyKey)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func replay(app core.App, actor, key string) (*Conversion, error) {
	id := idempotency.Find(app, actor, ConversionRoute, key)
	mat, err := app.FindRecordById("matriculas", id)
	if err != nil {
		return nil, err
	}
	alumno, err := app.FindRecordById("alumnos", mat.GetString("alumno"))
	if err != nil {
		return nil, err
	}
	return &Conversion{Matricula: mat, Alumno: alumno, Replayed: true}, nil
}

func observacionSuffix(obs string) string {
	if obs = strings.TrimSpace(obs); obs != "" {
		return ". Observación: " + obs
	}
	return ""
}

func findOrCreateAlumno(tx core.App, lead *core.Record, in ConvertInput) (*core.Record, bool, error) {
	if existing, err := tx.FindFirstRecordByFilter("alumnos", "dni = {:d}", map[string]any{"d": in.DNI}); err == nil {
		if !strings.EqualFold(existing.Email(), in.Email) {
			return nil, false, router.NewBadRequestError("Datos inválidos.", fieldErr("email", "email_dni",
				"Este DNI ya está registrado con otro correo; use el correo del alumno."))
		}
		return existing, false, nil
	}
	if _, err := tx.FindAuthRecordByEmail("alumnos", in.Email); err == nil {
		return nil, false, router.NewBadRequestError("Datos inválidos.", fieldErr("email", "email_registrado", "Este correo ya está registrado por otro alumno."))
	}
	col, err := tx.FindCachedCollectionByNameOrId("alumnos")
	if err != nil {
		return nil, false, err
	}
	a := core.NewRecord(col)
	a.Set("lead", lead.Id)
	a.Set("nombre_completo", lead.GetString("nombre_completo"))
	a.Set("dni", in.DNI)
	a.SetEmail(in.Email)
	a.Set("telefono", in.Telefono)
	a.Set("distrito", lead.GetString("distrito"))
	// No guessable password: the student sets his own through the password-reset mail.
	if in.PasswordHash != "" {
		a.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: in.PasswordHash})
		a.RefreshTokenKey()
	} else {
		a.SetPassword(security.RandomString(40))
	}
	a.Set(FlagSinCorreo, in.SinCorreo)
	if in.ArchivoDNI != nil {
		a.Set("archivo_dni", in.ArchivoDNI)
	}
	if in.ArchivoPartida != nil {
		a.Set("archivo_partida", in.ArchivoPartida)
	}
	if err := tx.Save(a); err != nil {
		return nil, false, err
	}
	return a, true, nil
}
