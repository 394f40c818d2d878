package push

import (
	"context"
	"encoding/json"
	"fmt"
)

// expoReceiptBatchSize is how many ids one getReceipts request carries
// (the figure Expo's own SDK uses).
const expoReceiptBatchSize = 300

// Receipt is Expo's delivery report for one ticket, available some minutes
// after Send and for about a day. A DeviceNotRegistered receipt is the usual
// way Expo reports uninstalled apps, so callers should poll receipts for the
// ProviderIDs of sent Results (e.g. 15-30 minutes later) and deactivate the
// tokens whose receipt says StatusTokenInvalido.
type Receipt struct {
	// ID is the ticket id (Result.ProviderID).
	ID string
	// Status is StatusEnviado, StatusError or StatusTokenInvalido.
	Status string
	// Error is a Spanish description; empty when Status is StatusEnviado.
	Error string
	// Temporary reports that resending the message later may succeed.
	Temporary bool
}

// GetReceipts fetches the receipts for ids. Ids Expo has no receipt for yet
// (or anymore) are absent from the map. The error reports a request that
// failed as a whole; receipts from earlier requests are still returned.
func (e *Expo) GetReceipts(ctx context.Context, ids []string) (map[string]Receipt, error) {
	out := make(map[string]Receipt, len(ids))
	for start := 0; start < len(ids); start += expoReceiptBatchSize {
		chunk := ids[start:min(start+expoReceiptBatchSize, len(ids))]
		ex, err := e.post(ctx, e.receiptsURL, map[string][]string{"ids": chunk})
		if err != nil {
			return out, err
		}
		data, reason, _ := expoData(ex)
		if reason != "" {
			return out, fmt.Errorf("recibos de Expo: %s", reason)
		}
		var receipts map[string]expoTicket
		if err := json.Unmarshal(data, &receipts); err != nil {
			return out, fmt.Errorf("recibos de Expo: respuesta inesperada: %w", err)
		}
		for id, t := range receipts {
			r := Receipt{ID: id, Status: StatusEnviado}
			if t.Status != "ok" {
				r.Status, r.Error, r.Temporary = expoError(t)
			}
			out[id] = r
		}
	}
	return out, nil
}
