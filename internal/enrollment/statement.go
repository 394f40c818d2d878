package enrollment

import (
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/finance"
	"sgul/internal/money"
)

// StatementLine is one cuota of an estado de cuenta.
type StatementLine struct {
	ID          string         `json:"id"`
	Concepto    string         `json:"concepto"`
	Numero      int            `json:"numero"`
	Monto       finance.Amount `json:"monto"`
	Pagado      finance.Amount `json:"pagado"`
	Saldo       finance.Amount `json:"saldo"`
	Vencimiento string         `json:"vencimiento"`
	Vencida     bool           `json:"vencida"`
	Estado      string         `json:"estado"`
}

// Statement is the estado de cuenta of a matrícula.
type Statement struct {
	Matricula    string          `json:"matricula"`
	Alumno       string          `json:"alumno"`
	Programa     string          `json:"programa"`
	Estado       string          `json:"estado"`
	Moneda       string          `json:"moneda"`
	FechaCorte   string          `json:"fecha_corte"`
	Cuotas       []StatementLine `json:"cuotas"`
	TotalMonto   finance.Amount  `json:"total_monto"`
	TotalPagado  finance.Amount  `json:"total_pagado"`
	DeudaTotal   finance.Amount  `json:"deuda_total"`
	DeudaVencida finance.Amount  `json:"deuda_vencida"`
}

// EstadoCuenta builds the statement of a matrícula as of today (Lima).
func EstadoCuenta(app core.App, mat *core.Record) (*Statement, error) {
	today := finance.Today()
	st := &Statement{Matricula: mat.Id, Estado: mat.GetString("estado"), Moneda: "PEN", FechaCorte: today, Cuotas: []StatementLine{}}
	if a, err := app.FindRecordById("alumnos", mat.GetString("alumno")); err == nil {
		st.Alumno = a.GetString("nombre_completo")
	}
	if p, err := app.FindRecordById("programas", mat.GetString("programa")); err == nil {
		st.Programa = p.GetString("nombre")
	}
	cuotas, err := app.FindRecordsByFilter("cuotas", "matricula = {:m}", "vencimiento,concepto,numero", 0, 0, map[string]any{"m": mat.Id})
	if err != nil {
		return nil, err
	}
	for _, c := range cuotas {
		monto, err1 := money.FromFloat(c.GetFloat("monto"))
		pagado, err2 := money.FromFloat(c.GetFloat("pagado"))
		if err1 != nil || err2 != nil {
			continue
		}
		line := StatementLine{ID: c.Id, Concepto: c.GetString("concepto"), Numero: c.GetInt("numero"),
			Monto: finance.Amount(monto), Pagado: finance.Amount(pagado), Vencimiento: finance.DateOf(c, "vencimiento"), Estado: c.GetString("estado")}
		if line.Estado != CuotaAnulada {
			saldo := monto - pagado
			line.Saldo = finance.Amount(saldo)
			line.Vencida = saldo > 0 && line.Vencimiento < today
			st.TotalMonto += finance.Amount(monto)
			st.TotalPagado += finance.Amount(pagado)
			st.DeudaTotal += finance.Amount(saldo)
			if line.Vencida {
				st.DeudaVencida += finance.Amount(saldo)
			}
		}
		st.Cuotas = append(st.Cuotas, line)
	}
	return st, nil
}
