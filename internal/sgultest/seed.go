package sgultest

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/enrollment"
)

type seeder struct {
	app core.App
	err error
}

func (s *seeder) find(collection, filter string, params map[string]any) string {
	if s.err != nil {
		return ""
	}
	r, err := s.app.FindFirstRecordByFilter(collection, filter, params)
	if err != nil {
		s.err = fmt.Errorf("find %s %s: %w", collection, filter, err)
		return ""
	}
	return r.Id
}

func (s *seeder) create(collection string, data map[string]any) *core.Record {
	if s.err != nil {
		return nil
	}
	c, err := s.app.FindCollectionByNameOrId(collection)
	if err != nil {
		s.err = err
		return nil
	}
	r := core.NewRecord(c)
	r.Load(data)
	if c.IsAuth() {
		r.SetPassword(Password)
		r.SetVerified(true)
	}
	if err := s.app.Save(r); err != nil {
		s.err = fmt.Errorf("create %s: %w", collection, err)
		return nil
	}
	return r
}

func (s *seeder) id(r *core.Record) string {
	if r == nil {
		return ""
	}
	return r.Id
}

func seed(app core.App) (Fixture, error) {
	s := &seeder{app: app}
	f := Fixture{Roles: map[string]string{}, Users: map[string]string{}, Tokens: map[string]string{}}
	byName := func(coll, name string) string { return s.find(coll, "nombre = {:n}", map[string]any{"n": name}) }

	f.SedeA = s.id(s.create("sedes", map[string]any{"nombre": "Arequipa Virtual", "descripcion": "Sede virtual en Arequipa"}))
	f.SedeB = s.id(s.create("sedes", map[string]any{"nombre": "Sede Principal Pedregal", "descripcion": "Sede presencial en El Pedregal, Arequipa"}))
	f.Presencial, f.Virtual, f.Semipresencial = byName("modalidades", "Presencial"), byName("modalidades", "Virtual"), byName("modalidades", "Semipresencial")
	f.Yape, f.Efectivo = byName("medios_pago", "Yape"), byName("medios_pago", "Efectivo")
	f.Facebook = byName("medios_contacto", "Facebook")
	f.Distrito = s.find("distritos", "codigo = '040103'", nil)
	for _, r := range []string{"Admin", "Ventas", "Finanzas", "Docente", "RRHH", "Analista"} {
		f.Roles[r] = byName("roles", r)
	}

	f.Carrera = s.id(s.create("programas", map[string]any{"nombre": "Enfermería", "tipo": "Carrera Técnica", "duracion_meses": 3, "numero_pensiones": 3,
		"precio_matricula": 100, "precio_pension_virtual": 150, "precio_pension_presencial": 250, "sede": f.SedeA, "activo": true}))
	f.Especializacion = s.id(s.create("programas", map[string]any{"nombre": "Farmacia", "tipo": "Especialización", "duracion_meses": 10, "numero_pensiones": 10,
		"precio_matricula": 100, "precio_pension_virtual": 150, "precio_pension_presencial": 200, "sede": f.SedeA, "activo": true}))
	f.Curso = s.id(s.create("programas", map[string]any{"nombre": "Facturación Electrónica", "tipo": "Curso", "duracion_meses": 1, "numero_pensiones": 1,
		"precio_curso_unico": 150, "sede": f.SedeB, "activo": true}))
	f.CursoA = s.id(s.create("cursos", map[string]any{"nombre": "Fundamentos de Enfermería"}))
	curso2 := s.id(s.create("cursos", map[string]any{"nombre": "Anatomía"}))
	f.MallaCarrera1 = s.id(s.create("malla", map[string]any{"programa": f.Carrera, "numero_mes": 1, "curso": f.CursoA, "activo": true}))
	f.MallaCarrera2 = s.id(s.create("malla", map[string]any{"programa": f.Carrera, "numero_mes": 2, "curso": curso2, "activo": true}))

	staff := []struct{ key, rol, sede string }{
		{"admin", "Admin", ""}, {"ventas", "Ventas", f.SedeA}, {"finanzas", "Finanzas", f.SedeA}, {"docente", "Docente", f.SedeA},
		{"rrhh", "RRHH", f.SedeA}, {"analista", "Analista", f.SedeA}, {"ventasB", "Ventas", f.SedeB}, {"finanzasB", "Finanzas", f.SedeB},
		{"norole", "", f.SedeA}, {"inactive", "Ventas", f.SedeA},
	}
	for _, u := range staff {
		sedes := []string{u.sede}
		if u.key == "admin" {
			sedes = []string{f.SedeA, f.SedeB}
		}
		data := map[string]any{"email": u.key + "@test.sgul.pe", "nombre": "Usuario " + u.key, "sedes": sedes, "activo": u.key != "inactive"}
		if u.rol != "" {
			data["rol"] = f.Roles[u.rol]
		}
		f.Users[u.key] = s.id(s.create("users", data))
	}
	s.create("docentes_programa", map[string]any{"docente": f.Users["docente"], "programa": f.Carrera})
	f.EmpleadoA = s.id(s.create("empleados", map[string]any{"usuario": f.Users["rrhh"], "nombres": "Rosa", "apellidos": "Huamán", "dni": "40000001",
		"cargo": "Jefa de RRHH", "sueldo_basico": 1500, "sueldo_por_hora": 8, "regimen_pension": "AFP", "tasa_pension": 0.10, "sede": f.SedeA, "activo": true}))

	lead := func(nombre, sede, asesor, estado string) string {
		return s.id(s.create("leads", map[string]any{"nombre_completo": nombre, "telefono": "987654321", "genero": "Femenino",
			"estado_lead": estado, "asesor": asesor, "medio_contacto": f.Facebook, "distrito": f.Distrito,
			"intereses": []string{f.Carrera}, "sede": sede}))
	}
	f.LeadA = lead("Lucía Quispe", f.SedeA, f.Users["ventas"], "Pendiente")
	f.LeadB = lead("Marco Flores", f.SedeB, f.Users["ventasB"], "Pendiente")
	f.LeadConv1 = lead("Ana Mamani", f.SedeA, f.Users["ventas"], "Pendiente")
	f.LeadConv2 = lead("Jorge Condori", f.SedeB, f.Users["ventasB"], "Pendiente")
	convert := func(leadID, programa, modalidad, dni, email string) (string, string) {
		if s.err != nil {
			return "", ""
		}
		admin, err := app.FindRecordById("users", f.Users["admin"])
		if err != nil {
			s.err = err
			return "", ""
		}
		conv, err := enrollment.Convert(app, admin, enrollment.ConvertInput{Lead: leadID, Programa: programa, Modalidad: modalidad, DNI: dni, Email: email, SinCorreo: true})
		if err != nil {
			s.err = fmt.Errorf("convert %s: %w", leadID, err)
			return "", ""
		}
		conv.Alumno.SetPassword(Password)
		conv.Alumno.SetVerified(true)
		if err := app.Save(conv.Alumno); err != nil {
			s.err = err
		}
		return conv.Alumno.Id, conv.Matricula.Id
	}
	f.Alumno1, f.Matricula1 = convert(f.LeadConv1, f.Carrera, f.Virtual, "70000001", "alumno1@test.sgul.pe")
	f.Alumno2, f.Matricula2 = convert(f.LeadConv2, f.Curso, f.Presencial, "70000002", "alumno2@test.sgul.pe")

	su := s.create(core.CollectionNameSuperusers, map[string]any{"email": "superuser@test.sgul.pe"})
	if s.err != nil {
		return f, s.err
	}
	tok := func(r *core.Record) string {
		t, err := r.NewStaticAuthToken(tokenDuration)
		if err != nil && s.err == nil {
			s.err = err
		}
		return t
	}
	f.Tokens["superuser"] = tok(su)
	for key, id := range f.Users {
		r, err := app.FindRecordById("users", id)
		if err != nil {
			return f, err
		}
		f.Tokens[key] = tok(r)
	}
	for key, id := range map[string]string{"alumno1": f.Alumno1, "alumno2": f.Alumno2} {
		r, err := app.FindRecordById("alumnos", id)
		if err != nil {
			return f, err
		}
		f.Tokens[key] = tok(r)
	}
	return f, s.err
}
