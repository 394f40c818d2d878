package notify

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/money"
	"sgul/internal/schedule"
)

// The builders below write, with tx (the cause's transaction), the notification of one
// event. Texts are short, private to the student and polite.

// PagoRegistrado sends the receipt of a registered pago: amount, concepto and cuota.
func PagoRegistrado(tx core.App, pago *core.Record) error {
	m, err := matriculaInfo(tx, pago.GetString("matricula"))
	if err != nil {
		return err
	}
	monto, err := money.FromFloat(pago.GetFloat("monto"))
	if err != nil {
		return fmt.Errorf("notify: monto del pago %s: %w", pago.Id, err)
	}
	concepto := cuotaLabel(pago.GetString("concepto"), pago.GetInt("numero_cuota"))
	fecha := schedule.LimaDate(pago.GetDateTime("fecha_pago").Time())
	_, err = Notify(tx, Event{
		Alumno: m.alumno, Tipo: TipoPago, Key: "pago:" + pago.Id,
		Titulo:  "Pago registrado",
		Mensaje: fmt.Sprintf("Recibimos su pago de %s por %s de %s el %s. ¡Gracias!", monto.Format(), concepto, m.programa, displayDate(fecha)),
		Data: map[string]any{"pago": pago.Id, "cuota": pago.GetString("cuota"), "matricula": m.id,
			"monto": monto.String(), "concepto": pago.GetString("concepto"), "numero_cuota": pago.GetInt("numero_cuota"), "fecha": fecha},
	})
	return err
}

// VoucherRevisado tells the student that staff approved or rejected his voucher.
func VoucherRevisado(tx core.App, v *core.Record) error {
	estado := v.GetString("estado")
	if estado != "Aprobado" && estado != "Rechazado" {
		return nil
	}
	m, err := matriculaInfo(tx, v.GetString("matricula"))
	if err != nil {
		return err
	}
	monto, err := money.FromFloat(v.GetFloat("monto"))
	if err != nil {
		return fmt.Errorf("notify: monto del voucher %s: %w", v.Id, err)
	}
	ev := Event{Alumno: m.alumno, Tipo: TipoVoucher, Key: "voucher:" + v.Id + ":" + estado,
		Data: map[string]any{"voucher": v.Id, "estado": estado, "monto": monto.String(), "pago": v.GetString("pago"), "matricula": m.id}}
	if estado == "Aprobado" {
		ev.Titulo = "Voucher aprobado"
		ev.Mensaje = fmt.Sprintf("Su voucher de %s fue validado y registrado como pago. ¡Gracias!", monto.Format())
	} else {
		ev.Titulo = "Voucher observado"
		ev.Mensaje = fmt.Sprintf("No pudimos validar su voucher de %s: %s. Puede enviar uno nuevo o escribirnos si tiene dudas.",
			monto.Format(), v.GetString("motivo"))
	}
	_, err = Notify(tx, ev)
	return err
}

// NotaPublicada tells the student that a grade was published (or corrected).
func NotaPublicada(tx core.App, nota *core.Record, corregida bool) error {
	m, err := matriculaInfo(tx, nota.GetString("matricula"))
	if err != nil {
		return err
	}
	curso := cursoOf(tx, nota.GetString("malla"))
	ev := Event{Alumno: m.alumno, Tipo: TipoNota, Key: "nota:" + nota.Id,
		Titulo:  "Nueva nota publicada",
		Mensaje: fmt.Sprintf("Se publicó su nota %s de %s: %s.", nota.GetString("tipo"), curso, gradeText(nota.GetFloat("nota"))),
		Data:    map[string]any{"nota": nota.Id, "matricula": m.id, "curso": curso, "tipo": nota.GetString("tipo")}}
	if corregida {
		ev.Key = "" // every correction is news
		ev.Titulo = "Nota actualizada"
		ev.Mensaje = fmt.Sprintf("Se actualizó su nota %s de %s: %s.", nota.GetString("tipo"), curso, gradeText(nota.GetFloat("nota")))
	}
	_, err = Notify(tx, ev)
	return err
}

// InasistenciaRegistrada tells the student that an absence was recorded (once per
// attendance row, however often it is edited).
func InasistenciaRegistrada(tx core.App, asis *core.Record) error {
	m, err := matriculaInfo(tx, asis.GetString("matricula"))
	if err != nil {
		return err
	}
	clase := m.programa
	if c := cursoOf(tx, asis.GetString("malla")); c != "" && asis.GetString("malla") != "" {
		clase = c
	}
	fecha := asis.GetDateTime("fecha_clase").Time().UTC().Format(time.DateOnly)
	_, err = Notify(tx, Event{Alumno: m.alumno, Tipo: TipoAsistencia, Key: "inasistencia:" + asis.Id,
		Titulo:  "Inasistencia registrada",
		Mensaje: fmt.Sprintf("Se registró su inasistencia a la clase de %s del %s. Si corresponde, puede presentar su justificación.", clase, displayDate(fecha)),
		Data:    map[string]any{"asistencia": asis.Id, "matricula": m.id, "fecha": fecha},
	})
	return err
}

type matricula struct {
	id, alumno, programa, sede string
}

func matriculaInfo(tx core.App, id string) (matricula, error) {
	mat, err := tx.FindRecordById("matriculas", id)
	if err != nil {
		return matricula{}, fmt.Errorf("notify: matrícula %s: %w", id, err)
	}
	m := matricula{id: mat.Id, alumno: mat.GetString("alumno"), sede: mat.GetString("sede"), programa: "su programa"}
	if p, err := tx.FindRecordById("programas", mat.GetString("programa")); err == nil {
		m.programa = p.GetString("nombre")
	}
	return m, nil
}

func cursoOf(tx core.App, mallaID string) string {
	if mallaID == "" {
		return "su curso"
	}
	malla, err := tx.FindRecordById("malla", mallaID)
	if err != nil {
		return "su curso"
	}
	c, err := tx.FindRecordById("cursos", malla.GetString("curso"))
	if err != nil {
		return "su curso"
	}
	return c.GetString("nombre")
}

// cuotaLabel is "la cuota 3 de Pensión", "la Matrícula", "el Pago Único".
func cuotaLabel(concepto string, numero int) string {
	switch concepto {
	case "Pensión":
		return fmt.Sprintf("la pensión %d", numero)
	case "Matrícula":
		return "la matrícula"
	case "Pago Único":
		return "el pago único"
	}
	return concepto
}

func gradeText(n float64) string {
	if n == float64(int64(n)) {
		return fmt.Sprintf("%d", int64(n))
	}
	return fmt.Sprintf("%.1f", n)
}

// displayDate turns YYYY-MM-DD into DD/MM/YYYY.
func displayDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("02/01/2006")
}
