package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"sgul/internal/reliability"
)

// JobResult is a background job measured from its request to its end.
type JobResult struct {
	Name     string
	Detail   string
	Duration time.Duration
	PeakRSS  int64 // peak VmRSS of the server while the job ran (0 with --url)
	Err      error

	Recipients int // campaign: messages sent
}

// Report requests a report as admin (POST reportes) and waits until it is Listo,
// sampling the server's memory meanwhile (pid 0: no sampling).
func (s *SGUL) Report(ctx context.Context, pid int, tipo string, params map[string]string) JobResult {
	res := JobResult{Name: "reporte " + tipo, Detail: fmt.Sprintf("xlsx %s..%s", params["desde"], params["hasta"])}
	sampler := SamplePeak(pid, 20*time.Millisecond)
	start := time.Now()
	var rec struct {
		ID     string `json:"id"`
		Estado string `json:"estado"`
		Filas  int    `json:"filas"`
		Error  string `json:"error"`
	}
	err := s.C.Do(ctx, http.MethodPost, "/api/collections/reportes/records", s.Admin,
		map[string]any{"tipo": tipo, "formato": "xlsx", "parametros": params}, &rec)
	if err == nil {
		err = s.poll(ctx, "/api/collections/reportes/records/"+rec.ID, pollEvery, 10*time.Minute, &rec, func() (bool, error) {
			if rec.Estado == "Error" {
				return false, fmt.Errorf("reporte en Error: %s", rec.Error)
			}
			return rec.Estado == "Listo", nil
		})
	}
	res.Duration = time.Since(start)
	res.PeakRSS = sampler.Stop()
	res.Detail += fmt.Sprintf(", %d filas", rec.Filas)
	res.Err = err
	return res
}

// poll reads path into out every interval until done says so or fails, or limit passes
// (done first sees what the request that created the record answered).
func (s *SGUL) poll(ctx context.Context, path string, every, limit time.Duration, out any, done func() (bool, error)) error {
	start := time.Now()
	for {
		if ok, err := done(); err != nil || ok {
			return err
		}
		if time.Since(start) > limit {
			return fmt.Errorf("%s: más de %s", path, limit)
		}
		time.Sleep(every)
		if err := s.C.Do(ctx, http.MethodGet, path, s.Admin, nil, out); err != nil {
			return err
		}
	}
}

// Close stops what the scenarios left running (the SMTP sink).
func (s *SGUL) Close() {
	if s.sink != nil {
		_ = s.sink.Close()
	}
}

// Campaign points SGUL's SMTP settings at an in-process sink, creates a Programada
// campaign to the leads audience closest to size recipients, and waits until it is
// Enviada, sampling the server's memory meanwhile.
func (s *SGUL) Campaign(ctx context.Context, pid, size int) JobResult {
	res := JobResult{Name: "campaña"}
	sk, err := reliability.StartSink()
	if err != nil {
		res.Err = err
		return res
	}
	// the sink stays up for the rest of the run: later conversions queue welcome mails
	s.sink = sk
	before := sk.Total()
	err = s.C.Do(ctx, http.MethodPatch, "/api/settings", s.Superuser, map[string]any{
		"smtp": map[string]any{"enabled": true, "host": "127.0.0.1", "port": sk.Port, "tls": false},
		"meta": map[string]any{"senderAddress": "secretaria@bench.sgul.pe", "senderName": "Secretaría"},
	}, nil)
	if err != nil {
		res.Err = fmt.Errorf("smtp settings: %w", err)
		return res
	}
	// the smallest leads audience (sede, and an estado or all) of at least size
	best, bestSede, bestEstado := -1, "", ""
	for _, sede := range s.Sedes {
		for _, st := range leadStates {
			filter := fmt.Sprintf("sede = '%s' && email != ''", sede)
			if st != "" {
				filter += " && estado_lead = '" + st + "'"
			}
			p, err := List[map[string]any](ctx, s.C, s.Superuser, "leads", url.Values{"perPage": {"1"}, "fields": {"id"}, "filter": {filter}})
			if err != nil {
				res.Err = err
				return res
			}
			n := p.TotalItems
			if n >= size && (best < size || n < best) || best < size && n > best {
				best, bestSede, bestEstado = n, sede, st
			}
		}
	}
	sampler := SamplePeak(pid, 20*time.Millisecond)
	start := time.Now()
	var rec struct {
		ID       string `json:"id"`
		Estado   string `json:"estado"`
		Total    int    `json:"total"`
		Enviados int    `json:"enviados"`
		Fallidos int    `json:"fallidos"`
		Error    string `json:"error"`
	}
	err = s.C.Do(ctx, http.MethodPost, "/api/collections/campanas/records", s.Admin, map[string]any{
		"asunto": "Nuevos horarios para {{.Nombre}}", "cuerpo": "<p>Hola {{.Nombre}}:</p><p>Tenemos nuevos horarios en {{.Sede}}.</p><p><a href=\"{{.EnlaceBaja}}\">Darse de baja</a></p>",
		"audiencia": "leads", "sede": bestSede, "estado_destinatario": bestEstado, "estado": "Programada",
	}, &rec)
	if err == nil {
		err = s.poll(ctx, "/api/collections/campanas/records/"+rec.ID, 4*pollEvery, 15*time.Minute, &rec, func() (bool, error) {
			if rec.Estado == "Cancelada" || (rec.Error != "" && time.Since(start) > time.Minute) {
				return false, fmt.Errorf("campaña %s: %s", rec.Estado, rec.Error)
			}
			return rec.Estado == "Enviada", nil
		})
	}
	res.Duration = time.Since(start)
	res.PeakRSS = sampler.Stop()
	if bestEstado == "" {
		bestEstado = "de la sede"
	}
	res.Recipients = rec.Enviados
	res.Detail = fmt.Sprintf("%d destinatarios (leads %s), %d enviados, %d fallidos, %d recibidos por el sumidero SMTP; %.1f s por 10.000",
		rec.Total, bestEstado, rec.Enviados, rec.Fallidos, sk.Total()-before, res.Duration.Seconds()*10000/float64(max(rec.Enviados, 1)))
	res.Err = err
	return res
}
