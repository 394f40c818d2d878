package schedule

import (
	"fmt"
	"strings"

	"sgul/internal/money"
)

// Modalidades as usually stored; Generate compares them ignoring case,
// accents, spaces and hyphens.
const (
	// ModalidadVirtual pays PrecioPensionVirtual.
	ModalidadVirtual = "Virtual"
	// ModalidadPresencial pays PrecioPensionPresencial.
	ModalidadPresencial = "Presencial"
	// ModalidadSemipresencial pays PrecioPensionPresencial too.
	ModalidadSemipresencial = "Semipresencial"
)

// foldModalidad drops case, accents and separators: "Semi-presencial" and
// "SEMIPRESENCIAL" both give "semipresencial".
var foldModalidad = strings.NewReplacer(
	"á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u",
	" ", "", "-", "", "_", "",
)

// pensionPrice is PrecioPensionVirtual for Virtual and PrecioPensionPresencial
// for Presencial and Semipresencial, which is taught in the classroom too.
func (p Program) pensionPrice(modalidad string) (money.Cents, error) {
	switch foldModalidad.Replace(strings.ToLower(strings.TrimSpace(modalidad))) {
	case "virtual":
		return p.PrecioPensionVirtual, nil
	case "presencial", "semipresencial":
		return p.PrecioPensionPresencial, nil
	}
	return 0, fmt.Errorf("modalidad desconocida: %q (use Virtual, Presencial o Semipresencial)", modalidad)
}
