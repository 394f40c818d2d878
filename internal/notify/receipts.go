package notify

import (
	"context"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/jobs"
	"sgul/internal/push"
)

// HandleRecibos is the JobRecibos handler: it reads the Expo receipts of the job's sent
// entregas, stores each one in entregas_push.recibo and deactivates the devices Expo
// reports as no longer registered. Receipts Expo does not have yet make the job retry
// (it has few attempts: receipts expire after a day).
func (d *Deliverer) HandleRecibos(ctx context.Context, app core.App, job *jobs.Job) error {
	if d.receipts == nil {
		return nil
	}
	var p pushPayload
	if err := job.Decode(&p); err != nil {
		return err
	}
	if len(p.Notificaciones) == 0 {
		return nil
	}
	ids := make([]any, len(p.Notificaciones))
	for i, id := range p.Notificaciones {
		ids[i] = id
	}
	entregas, err := app.FindAllRecords(ColEntregas,
		dbx.In("notificacion", ids...),
		dbx.HashExp{"plataforma": PlataformaExpo, "estado": EntregaEnviado, "recibo": ""},
		dbx.NewExp("proveedor_id != ''"))
	if err != nil {
		return fmt.Errorf("notify: entregas sin recibo: %w", err)
	}
	if len(entregas) == 0 {
		return nil
	}
	tickets := make([]string, len(entregas))
	for i, e := range entregas {
		tickets[i] = e.GetString("proveedor_id")
	}
	receipts, fetchErr := d.receipts.GetReceipts(ctx, tickets)
	missing := 0
	for _, e := range entregas {
		r, ok := receipts[e.GetString("proveedor_id")]
		if !ok {
			missing++
			continue
		}
		e.Set("recibo", receiptState(r))
		if r.Status != push.StatusEnviado {
			e.Set("error", clip(r.Error, 2000))
		}
		if err := app.Save(e); err != nil {
			return fmt.Errorf("notify: guardar recibo: %w", err)
		}
		if r.Status == push.StatusTokenInvalido {
			dev, err := app.FindRecordById(ColDispositivos, e.GetString("dispositivo"))
			if err == nil {
				if err := Deactivate(app, dev, r.Error); err != nil {
					return err
				}
			}
		}
	}
	if fetchErr != nil {
		return fetchErr
	}
	if missing > 0 {
		return fmt.Errorf("notify: Expo aún no tiene %d recibos", missing)
	}
	return nil
}

func receiptState(r push.Receipt) string {
	switch r.Status {
	case push.StatusEnviado:
		return "ok"
	case push.StatusTokenInvalido:
		return "token_invalido"
	}
	return "error"
}
