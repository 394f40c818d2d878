package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Reference data every institute starts with: default roles, modalities, channels,
// payment methods and INEI ubigeo (the 25 departments, Arequipa's provinces and the
// districts of Arequipa province, official codes 040101-040129).
func init() {
	m.Register(upReferenceData, downReferenceData)
}

var defaultRoles = []struct {
	nombre, descripcion string
	permisos            []string
	soloAsignados       bool
}{
	{"Admin", "Administración general: todos los permisos", permissionCodes, false},
	{"Ventas", "Asesores comerciales: leads y matrículas", []string{"dashboard", "leads", "crear_lead", "matriculas"}, false},
	{"Finanzas", "Caja, pagos, ingresos, gastos y reportes", []string{"dashboard", "finanzas", "pagos", "reportes"}, false},
	{"Docente", "Notas y asistencias de los programas que enseña", []string{"notas", "asistencias"}, true},
	{"RRHH", "Recursos humanos: empleados, planillas y documentación", []string{"empleados", "nuevo_empleado", "planillas", "documentacion"}, false},
	{"Analista", "Indicadores y reportes", []string{"dashboard", "reportes"}, false},
}

var departamentos = [][2]string{
	{"01", "Amazonas"}, {"02", "Áncash"}, {"03", "Apurímac"}, {"04", "Arequipa"}, {"05", "Ayacucho"},
	{"06", "Cajamarca"}, {"07", "Callao"}, {"08", "Cusco"}, {"09", "Huancavelica"}, {"10", "Huánuco"},
	{"11", "Ica"}, {"12", "Junín"}, {"13", "La Libertad"}, {"14", "Lambayeque"}, {"15", "Lima"},
	{"16", "Loreto"}, {"17", "Madre de Dios"}, {"18", "Moquegua"}, {"19", "Pasco"}, {"20", "Piura"},
	{"21", "Puno"}, {"22", "San Martín"}, {"23", "Tacna"}, {"24", "Tumbes"}, {"25", "Ucayali"},
}

var provinciasArequipa = [][2]string{
	{"0401", "Arequipa"}, {"0402", "Camaná"}, {"0403", "Caravelí"}, {"0404", "Castilla"},
	{"0405", "Caylloma"}, {"0406", "Condesuyos"}, {"0407", "Islay"}, {"0408", "La Unión"},
}

var distritosArequipa = []string{
	"Arequipa", "Alto Selva Alegre", "Cayma", "Cerro Colorado", "Characato", "Chiguata", "Jacobo Hunter",
	"La Joya", "Mariano Melgar", "Miraflores", "Mollebaya", "Paucarpata", "Pocsi", "Polobaya", "Quequeña",
	"Sabandía", "Sachaca", "San Juan de Siguas", "San Juan de Tarucani", "Santa Isabel de Siguas",
	"Santa Rita de Siguas", "Socabaya", "Tiabaya", "Uchumayo", "Vitor", "Yanahuara", "Yarabamba", "Yura",
	"José Luis Bustamante y Rivero",
}

func upReferenceData(app core.App) error {
	insert := func(collection string, data map[string]any) (*core.Record, error) {
		c, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			return nil, err
		}
		r := core.NewRecord(c)
		r.Load(data)
		return r, app.Save(r)
	}
	for _, r := range defaultRoles {
		if _, err := insert("roles", map[string]any{"nombre": r.nombre, "descripcion": r.descripcion, "permisos": r.permisos, "solo_programas_asignados": r.soloAsignados}); err != nil {
			return err
		}
	}
	for _, n := range []string{"Presencial", "Virtual", "Semipresencial"} {
		if _, err := insert("modalidades", map[string]any{"nombre": n}); err != nil {
			return err
		}
	}
	for _, n := range []string{"Facebook", "Instagram", "TikTok", "Página Web", "Familiar", "Contacto Directo", "Formulario Web", "WhatsApp"} {
		if _, err := insert("medios_contacto", map[string]any{"nombre": n}); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		n string
		v bool
	}{{"Yape", true}, {"Plin", true}, {"Transferencia Bancaria", true}, {"Tarjeta de Crédito/Débito", false}, {"Efectivo", false}} {
		if _, err := insert("medios_pago", map[string]any{"nombre": p.n, "requiere_comprobante": p.v}); err != nil {
			return err
		}
	}
	var arequipa, provArequipa *core.Record
	for _, d := range departamentos {
		r, err := insert("departamentos", map[string]any{"codigo": d[0], "nombre": d[1]})
		if err != nil {
			return err
		}
		if d[0] == "04" {
			arequipa = r
		}
	}
	for _, p := range provinciasArequipa {
		r, err := insert("provincias", map[string]any{"codigo": p[0], "nombre": p[1], "departamento": arequipa.Id})
		if err != nil {
			return err
		}
		if p[0] == "0401" {
			provArequipa = r
		}
	}
	for i, n := range distritosArequipa {
		codigo := "0401" + string(rune('0'+(i+1)/10)) + string(rune('0'+(i+1)%10))
		if _, err := insert("distritos", map[string]any{"codigo": codigo, "nombre": n, "provincia": provArequipa.Id}); err != nil {
			return err
		}
	}

	// Safe defaults: rate limits on, batch API on (bounded), daily backups kept two weeks.
	s := app.Settings()
	s.Meta.AppName = "SGUL"
	s.Meta.SenderName = "SGUL"
	s.Batch.Enabled = true
	s.Batch.MaxRequests = 50
	s.Batch.Timeout = 10
	s.RateLimits.Enabled = true
	s.Backups.Cron = "0 4 * * *"
	s.Backups.CronMaxKeep = 14
	return app.Save(s)
}

func downReferenceData(app core.App) error {
	for _, c := range []string{"distritos", "provincias", "departamentos", "medios_pago", "medios_contacto", "modalidades", "roles"} {
		if _, err := app.DB().NewQuery("DELETE FROM {{" + c + "}}").Execute(); err != nil {
			return err
		}
	}
	return nil
}
