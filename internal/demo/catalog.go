package demo

// Program catalogue of the demo institute (Instituto IDEMA's final state: 16 programs in
// Arequipa Virtual, 3 courses in Sede Principal Pedregal), with the seed prices.
type demoProgram struct {
	nombre, tipo string
	virtual      bool // offered by the Arequipa Virtual sede
}

var programs = []demoProgram{
	{"Administración Bancaria", "Carrera Técnica", true},
	{"Administración de Empresas", "Carrera Técnica", true},
	{"Agronomía", "Carrera Técnica", true},
	{"Agropecuaria", "Carrera Técnica", true},
	{"Carrera Técnica en Enfermería", "Carrera Técnica", true},
	{"Contabilidad", "Carrera Técnica", true},
	{"Enfermería", "Carrera Técnica", true},
	{"Agronomía", "Especialización", true},
	{"Especialización en Marketing Digital Avanzado", "Especialización", true},
	{"Farmacia", "Especialización", true},
	{"Psicología", "Especialización", true},
	{"Veterinaria", "Especialización", true},
	{"Auxiliar de Enfermería", "Curso", true},
	{"Diseño Gráfico Digital", "Curso", true},
	{"Marketing Digital", "Curso", true},
	{"Técnicas Agropecuarias", "Curso", true},
	{"Atención Cliente Veterinario", "Curso", false},
	{"Facturación Electrónica", "Curso", false},
	{"Fisioterapia y Rehabilitación", "Curso", false},
}

// prices in soles per program type: matrícula, pensión virtual, pensión presencial, curso único.
var prices = map[string][4]float64{
	"Carrera Técnica": {100, 150, 250, 0},
	"Especialización": {100, 150, 200, 0},
	"Curso":           {0, 0, 0, 150},
}

var durations = map[string]int{"Curso": 1, "Especialización": 10, "Carrera Técnica": 30}

var staff = []struct {
	email, nombre, rol string
	ambas              bool // works in both sedes
}{
	{"admin@demo.sgul.pe", "Andrea Salas (Admin)", "Admin", true},
	{"ventas@demo.sgul.pe", "Alesandra Rivera", "Ventas", true},
	{"malu@demo.sgul.pe", "Malú Paredes", "Ventas", false},
	{"dayana@demo.sgul.pe", "Dayana Torres", "Ventas", true},
	{"finanzas@demo.sgul.pe", "Fernando Quispe", "Finanzas", true},
	{"docente@demo.sgul.pe", "Diego Mendoza", "Docente", true},
	{"rrhh@demo.sgul.pe", "Rocío Huamán", "RRHH", true},
	{"analista@demo.sgul.pe", "Alberto Ccama", "Analista", true},
}

var firstNames = []string{"Lucía", "Mateo", "Valeria", "Santiago", "Camila", "Sebastián", "Ximena", "Diego", "Fernanda", "Joaquín",
	"Daniela", "Adrián", "Mariana", "Thiago", "Alejandra", "Gael", "Renata", "Leonardo", "Antonella", "Rodrigo"}
var lastNames = []string{"Quispe", "Mamani", "Huamán", "Condori", "Flores", "Chávez", "Rojas", "Vargas", "Ccama", "Apaza",
	"Torres", "Paredes", "Salas", "Zegarra", "Núñez", "Delgado", "Medina", "Ticona", "Cáceres", "Pari"}
var niveles = []string{"Secundaria completa", "Secundaria incompleta", "Técnico", "Universitario"}
var generos = []string{"Femenino", "Masculino", "Femenino", "Masculino", "Otro"}
