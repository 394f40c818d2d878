package enrollment

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

var fuzzPhone = regexp.MustCompile(`^(\+51)?9[0-9]{8}$`)

// FuzzConvertInputValidate: whatever the body of a conversion, Validate never panics,
// answers field errors only (each with a Spanish sgul_ message), and what it accepts is
// well-formed: an 8-digit DNI, a trimmed lower-case e-mail with an @, a Peruvian mobile
// or nothing, and the documented lengths. Accepting is stable: validating the normalised
// input again accepts it unchanged.
func FuzzConvertInputValidate(f *testing.F) {
	f.Add("lead1", "prog1", "mod1", "70000001", "Ana@Correo.PE ", "987654321", "", "")
	f.Add("lead1", "prog1", "mod1", "7000000", "ana@correo.pe", "", "", "")
	f.Add("lead1", "prog1", "mod1", " 70000001 ", "ana@correo.pe", "+51987654321", "sede1", "Paga el lunes")
	f.Add("", "", "", "７０００００００", "@", "98765432", "", strings.Repeat("x", 5001))
	f.Add("lead1", "prog1", "mod1", "7000000١", "a b@c.pe", "887654321", "", "")
	f.Fuzz(func(t *testing.T, lead, programa, modalidad, dni, email, telefono, sede, obs string) {
		in := ConvertInput{Lead: lead, Programa: programa, Modalidad: modalidad, DNI: dni, Email: email, Telefono: telefono, Sede: sede, Observacion: obs}
		err := in.Validate()
		if err != nil {
			var fields validation.Errors
			if !asErrors(err, &fields) || len(fields) == 0 {
				t.Fatalf("Validate returned %T %v, want field errors", err, err)
			}
			for name, fe := range fields {
				if e, ok := fe.(validation.Error); ok && !strings.HasPrefix(e.Code(), "sgul_") && !strings.HasPrefix(e.Code(), "validation_") {
					t.Fatalf("field %s: unexpected code %q", name, e.Code())
				}
			}
			return
		}
		if len(in.DNI) != 8 || strings.Trim(in.DNI, "0123456789") != "" {
			t.Fatalf("accepted DNI %q", in.DNI)
		}
		if in.Email != strings.ToLower(strings.TrimSpace(in.Email)) || !strings.Contains(in.Email, "@") || len(in.Email) > 254 {
			t.Fatalf("accepted e-mail %q", in.Email)
		}
		if in.Telefono != "" && !fuzzPhone.MatchString(in.Telefono) {
			t.Fatalf("accepted phone %q", in.Telefono)
		}
		if in.Lead == "" || utf8.RuneCountInString(in.Lead) > 50 || utf8.RuneCountInString(in.Observacion) > 5000 {
			t.Fatalf("accepted lead %q / observación of %d characters", in.Lead, utf8.RuneCountInString(in.Observacion))
		}
		again := in
		if err := again.Validate(); err != nil || again != in {
			t.Fatalf("validating the accepted input again: %v (%+v -> %+v)", err, in, again)
		}
	})
}

func asErrors(err error, dst *validation.Errors) bool {
	e, ok := err.(validation.Errors)
	if ok {
		*dst = e
	}
	return ok
}
