package demo

import (
	"fmt"
	"io"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/audit"
	"sgul/internal/hr"
)

// Demo payroll: the plain demo's employees and how many past months of paid planillas
// they have (the current month is left for RRHH to generate in the portal).
const (
	demoEmpleados      = 8
	demoPlanillaMonths = 3
)

// loadPayroll gives the plain demo its employees and paid planillas.
func loadPayroll(app core.App) error {
	s, err := newScaleLoader(app, io.Discard)
	if err != nil {
		return err
	}
	return s.payroll(demoEmpleados, demoPlanillaMonths)
}

var cargos = []string{"Docente", "Coordinador académico", "Asistente administrativo", "Asesor de ventas", "Contador", "Soporte TI"}

// payroll adds employees (DNI 6xxxxxxx) up to n and, for each of the last months months,
// the planillas of every active employee through hr.GenerarPlanillas (idempotent per
// month), paid with hr.PagarPlanilla on the month's last day (each payment books its gasto).
func (s *scaleLoader) payroll(n, months int) error {
	rrhh, err := s.app.FindAuthRecordByEmail("users", "rrhh@demo.sgul.pe")
	if err != nil {
		return fmt.Errorf("scale: rrhh de la demo: %w", err)
	}
	actor := audit.ActorFromAuth(rrhh)
	col, err := s.app.FindCachedCollectionByNameOrId(hr.ColEmpleados)
	if err != nil {
		return err
	}
	var ids []string
	err = s.app.RunInTransaction(func(tx core.App) error {
		for i := 0; i < n; i++ {
			dni := fmt.Sprintf("%08d", 60000000+i)
			if e, err := tx.FindFirstRecordByFilter(hr.ColEmpleados, "dni = {:d}", dbx.Params{"d": dni}); err == nil {
				ids = append(ids, e.Id)
				continue
			}
			sede := s.sedeA
			if i%3 == 2 {
				sede = s.sedeB
			}
			regimen, tasa := "AFP", 0.10
			if i%4 == 0 {
				regimen, tasa = "ONP", 0.13
			}
			e := core.NewRecord(col)
			e.Load(map[string]any{"nombres": firstNames[i%len(firstNames)], "apellidos": lastNames[(i*3)%len(lastNames)] + " " + lastNames[(i*11)%len(lastNames)],
				"dni": dni, "cargo": cargos[i%len(cargos)], "tipo_contrato": "Indefinido", "email": fmt.Sprintf("empleado%03d@%s", i+1, scaleDomain),
				"fecha_ingreso": s.now.AddDate(-ScaleYears, 0, 0), "horas_contrato": 240, "sueldo_basico": float64(1130 + (i%12)*250),
				"regimen_pension": regimen, "tasa_pension": tasa, "sede": sede, "activo": true})
			audit.SetActor(e, actor)
			if err := tx.Save(e); err != nil {
				return fmt.Errorf("empleado %s: %w", dni, err)
			}
			ids = append(ids, e.Id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("scale: empleados: %w", err)
	}
	emp := make([]any, len(ids))
	for i, id := range ids {
		emp[i] = id
	}
	start := time.Now()
	created, paid := 0, 0
	first := time.Date(s.now.Year(), s.now.Month(), 1, 12, 0, 0, 0, time.UTC).AddDate(0, -months, 0)
	for m := 0; m < months; m++ {
		month := first.AddDate(0, m, 0)
		payday := month.AddDate(0, 1, -1).Add(5 * time.Hour) // last day, 12:00 in Lima
		err := s.app.RunInTransaction(func(tx core.App) error {
			form := hr.GenerarPlanillas{Mes: int(month.Month()), Anio: month.Year()}
			res, err := form.Submit(tx, []string{s.sedeA, s.sedeB}, actor)
			if err != nil {
				return err
			}
			created += res.Creadas
			pending, err := tx.FindAllRecords(hr.ColPlanillas, dbx.HashExp{"mes": form.Mes, "anio": form.Anio, "estado": hr.PlanillaBorrador}, dbx.In("empleado", emp...))
			if err != nil {
				return err
			}
			for _, p := range pending {
				if _, err := hr.PagarPlanilla(tx, p.Id, actor, payday); err != nil {
					return fmt.Errorf("pagar planilla %s: %w", p.Id, err)
				}
				paid++
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("scale: planillas %s: %w", month.Format("2006-01"), err)
		}
	}
	fmt.Fprintf(s.out, "scale: %d empleados; %d planillas nuevas, %d pagadas (%d meses) en %s\n",
		len(ids), created, paid, months, time.Since(start).Round(time.Millisecond))
	return nil
}
