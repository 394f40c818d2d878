package reliability_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sgul/internal/sgultest"
)

// FuzzBalanceParams sends arbitrary desde, hasta and sede_id to GET /api/finanzas/balance
// as a cashier of sede A, over HTTP: the answer is the balance (200), a Spanish 400 for
// the dates, or a 403 for a sede the cashier does not work in; never a 5xx, never an
// English message, never a balance of sede B.
func FuzzBalanceParams(f *testing.F) {
	app, fx := sgultest.NewApp(f)
	f.Cleanup(app.Cleanup)
	base := sgultest.Serve(f, app)
	client := &http.Client{}
	for _, seed := range [][3]string{
		{"2026-01-01", "2026-12-31", ""}, {"", "", fx.SedeA}, {"", "", fx.SedeB}, {"2026-13-01", "", ""},
		{"01/01/2026", "ayer", ""}, {"2026-03-01", "2026-02-01", ""}, {"1990-01-01", "2026-01-01", ""},
		{"2026-01-01' OR '1'='1", "", "' OR 1=1 --"}, {"2026-02-29", "2026-02-30", ""}, {"9999-12-31", "0001-01-01", "x"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, desde, hasta, sede string) {
		q := url.Values{}
		for k, v := range map[string]string{"desde": desde, "hasta": hasta, "sede_id": sede} {
			if v != "" {
				q.Set(k, v)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/api/finanzas/balance?"+q.Encode(), nil)
		req.Header.Set("Authorization", fx.Tokens["finanzas"])
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch res.StatusCode {
		case http.StatusOK:
			if strings.Contains(string(raw), fx.SedeB) {
				t.Fatalf("a sede-A cashier got sede B's balance: %s", raw)
			}
		case http.StatusBadRequest, http.StatusForbidden:
			var e struct{ Message string }
			if json.Unmarshal(raw, &e) != nil || e.Message == "" || strings.Contains(strings.ToLower(e.Message), "invalid") {
				t.Fatalf("%d without a Spanish message: %s", res.StatusCode, raw)
			}
		default:
			t.Fatalf("desde=%q hasta=%q sede_id=%q: %d %s", desde, hasta, sede, res.StatusCode, raw)
		}
	})
}
