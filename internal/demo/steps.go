package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/enrollment"
	"sgul/internal/schedule"
)

func (l *loader) sedes() error {
	for _, s := range [][2]string{
		{"Arequipa Virtual", "Sede virtual ubicada en Arequipa para programas a distancia"},
		{"Sede Principal Pedregal", "Sede principal presencial en El Pedregal, Arequipa"},
	} {
		r, err := l.save("sedes", map[string]any{"nombre": s[0], "descripcion": s[1]})
		if err != nil {
			return err
		}
		l.ids["sede:"+s[0]] = r.Id
	}
	// Where each modality's income goes (the original's rule, now data).
	for mod, sede := range map[string]string{"Virtual": "Arequipa Virtual", "Presencial": "Sede Principal Pedregal", "Semipresencial": "Sede Principal Pedregal"} {
		r, err := l.app.FindFirstRecordByFilter("modalidades", "nombre = {:n}", map[string]any{"n": mod})
		if err != nil {
			return err
		}
		r.Set("sede", l.ids["sede:"+sede])
		if err := l.app.Save(r); err != nil {
			return err
		}
		l.ids["mod:"+mod] = r.Id
	}
	return nil
}

func (l *loader) programs() error {
	for _, p := range programs {
		sede := "Sede Principal Pedregal"
		if p.virtual {
			sede = "Arequipa Virtual"
		}
		pr := prices[p.tipo]
		r, err := l.save("programas", map[string]any{"nombre": p.nombre, "tipo": p.tipo, "duracion_meses": durations[p.tipo],
			"numero_pensiones": durations[p.tipo], "precio_matricula": pr[0], "precio_pension_virtual": pr[1],
			"precio_pension_presencial": pr[2], "precio_curso_unico": pr[3], "sede": l.ids["sede:"+sede], "activo": true})
		if err != nil {
			return err
		}
		l.ids["prog:"+p.nombre+"|"+p.tipo] = r.Id
		months := durations[p.tipo]
		if months > 12 {
			months = 12 // the first year's curriculum; later years are added by the academic staff
		}
		for m := 1; m <= months; m++ {
			nombre := fmt.Sprintf("%s - Módulo %d", p.nombre, m)
			if p.tipo != "Carrera Técnica" {
				nombre = fmt.Sprintf("%s (%s) - Módulo %d", p.nombre, p.tipo, m)
			}
			c, err := l.save("cursos", map[string]any{"nombre": nombre})
			if err != nil {
				return err
			}
			mr, err := l.save("malla", map[string]any{"programa": r.Id, "numero_mes": m, "curso": c.Id, "activo": true})
			if err != nil {
				return err
			}
			l.ids[fmt.Sprintf("malla:%s|%d", r.Id, m)] = mr.Id
		}
	}
	return nil
}

func (l *loader) staff() error {
	both := []string{l.ids["sede:Arequipa Virtual"], l.ids["sede:Sede Principal Pedregal"]}
	for _, s := range staff {
		rol, err := l.find("roles", "nombre", s.rol)
		if err != nil {
			return err
		}
		sedes := both
		if !s.ambas {
			sedes = both[1:]
		}
		u, err := l.save("users", map[string]any{"email": s.email, "nombre": s.nombre, "rol": rol, "sedes": sedes, "activo": true, "emailVisibility": true})
		if err != nil {
			return err
		}
		l.ids["user:"+s.email] = u.Id
		if s.rol == "Ventas" {
			l.advisors = append(l.advisors, u.Id)
		}
	}
	for _, p := range []string{"Enfermería|Carrera Técnica", "Farmacia|Especialización", "Facturación Electrónica|Curso"} {
		if _, err := l.save("docentes_programa", map[string]any{"docente": l.ids["user:docente@demo.sgul.pe"], "programa": l.ids["prog:"+p]}); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) leads(n int) error {
	var channels, distritos []string
	if err := l.app.DB().Select("id").From("medios_contacto").OrderBy("nombre").Column(&channels); err != nil {
		return err
	}
	if err := l.app.DB().Select("id").From("distritos").OrderBy("codigo").Column(&distritos); err != nil {
		return err
	}
	now := time.Now().UTC()
	for i := 0; i < n; i++ {
		p := programs[l.rnd.IntN(len(programs))]
		sede := "Sede Principal Pedregal"
		if p.virtual {
			sede = "Arequipa Virtual"
		}
		nombre := fmt.Sprintf("%s %s %s", l.pick(firstNames), l.pick(lastNames), l.pick(lastNames))
		r, err := l.save("leads", map[string]any{
			"nombre_completo": nombre, "telefono": fmt.Sprintf("9%08d", 10000000+l.rnd.IntN(89999999)),
			"email": fmt.Sprintf("lead%03d@correo.pe", i+1), "nivel_estudios": l.pick(niveles), "genero": l.pick(generos),
			"fecha_ingreso": now.AddDate(0, 0, -l.rnd.IntN(360)), "asesor": l.pick(l.advisors),
			"medio_contacto": l.pick(channels), "distrito": l.pick(distritos),
			"intereses": []string{l.ids["prog:"+p.nombre+"|"+p.tipo]}, "sede": l.ids["sede:"+sede],
			"observaciones": map[bool]string{true: "Consulta por horarios y costos.", false: ""}[i%3 == 0],
		})
		if err != nil {
			return err
		}
		l.ids[fmt.Sprintf("lead:%d", i)] = r.Id
		// Move some leads along the pipeline (conversion comes later).
		switch i % 5 {
		case 1, 2:
			r.Set("estado_lead", enrollment.LeadAtendido)
		case 3:
			r.Set("estado_lead", enrollment.LeadNoAtendido)
		default:
			continue
		}
		if err := l.app.Save(r); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) students(n int) error {
	admin, err := l.app.FindRecordById("users", l.ids["user:admin@demo.sgul.pe"])
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		leadID := l.ids[fmt.Sprintf("lead:%d", i*4)]
		lead, err := l.app.FindRecordById("leads", leadID)
		if err != nil {
			return err
		}
		progID := lead.GetStringSlice("intereses")[0]
		prog, err := l.app.FindRecordById("programas", progID)
		if err != nil {
			return err
		}
		mod := "Presencial"
		if prog.GetString("sede") == l.ids["sede:Arequipa Virtual"] {
			mod = "Virtual"
		}
		email := fmt.Sprintf("alumno%03d@demo.sgul.pe", i+1)
		if i == 0 {
			email = "alumno@demo.sgul.pe"
		}
		conv, err := enrollment.Convert(l.app, admin, enrollment.ConvertInput{Lead: leadID, Programa: progID, Modalidad: l.ids["mod:"+mod],
			DNI: fmt.Sprintf("7%07d", 1000000+i), Email: email, Telefono: lead.GetString("telefono"), SinCorreo: true,
			// spread over the last months so schedules have paid, due and overdue cuotas
			FechaInscripcion: time.Now().UTC().AddDate(0, -(i % 8), -(i % 20))})
		if err != nil {
			return fmt.Errorf("convert %s: %w", leadID, err)
		}
		conv.Alumno.SetPassword(Password)
		conv.Alumno.SetVerified(true)
		if err := l.app.Save(conv.Alumno); err != nil {
			return err
		}
		l.ids[fmt.Sprintf("matricula:%d", i)] = conv.Matricula.Id
	}
	return nil
}

// payments pays, for each matrícula, the cuotas already due except for a few students who
// are behind (overdue debt) or paid part of a pension.
func (l *loader) payments() error {
	finanzas := l.ids["user:finanzas@demo.sgul.pe"]
	var medios []*core.Record
	medios, err := l.app.FindRecordsByFilter("medios_pago", "requiere_comprobante = false", "nombre", 0, 0)
	if err != nil {
		return err
	}
	today := schedule.LimaDate(time.Now())
	for i := 0; ; i++ {
		matID, ok := l.ids[fmt.Sprintf("matricula:%d", i)]
		if !ok {
			break
		}
		cuotas, err := l.app.FindRecordsByFilter("cuotas", "matricula = {:m}", "vencimiento,numero", 0, 0, map[string]any{"m": matID})
		if err != nil {
			return err
		}
		for k, c := range cuotas {
			due := c.GetDateTime("vencimiento").Time().Format("2006-01-02")
			if due > today || (i%7 == 3 && k > 0) {
				break // not due yet, or a student who stopped paying
			}
			monto := c.GetFloat("monto")
			if monto == 0 {
				continue
			}
			if i%9 == 5 && k == len(cuotas)-1 {
				monto = float64(int(monto / 2)) // a partial payment
			}
			pago, err := l.save("pagos", map[string]any{"matricula": matID, "cuota": c.Id, "monto": monto,
				"medio_pago": medios[(i+k)%len(medios)].Id, "registrado_por": finanzas,
				"fecha_pago": c.GetDateTime("vencimiento").Time().Add(15 * time.Hour)})
			if err != nil {
				return err
			}
			_ = pago
		}
	}
	return nil
}

func (l *loader) expenses() error {
	now := time.Now()
	for m := 0; m < 6; m++ {
		month := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, time.UTC).AddDate(0, -m, 0)
		for sede, rent := range map[string]float64{"Arequipa Virtual": 1800, "Sede Principal Pedregal": 3500} {
			for _, g := range []struct {
				concepto, cat string
				monto         float64
			}{{"Alquiler del local", "Alquiler", rent}, {"Luz, agua e internet", "Servicios", 420.50}} {
				if _, err := l.save("gastos", map[string]any{"sede": l.ids["sede:"+sede], "concepto": g.concepto + " " + month.Format("01/2006"),
					"monto": g.monto, "fecha": month, "categoria": g.cat, "origen": "Manual", "registrado_por": l.ids["user:finanzas@demo.sgul.pe"]}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
