package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
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
	var sampler *PeakSampler
	if pid > 0 {
		sampler = SamplePeak(pid, 20*time.Millisecond)
	}
	start := time.Now()
	var rec struct {
		ID     string `json:"id"`
		Estado string `json:"estado"`
		Filas  int    `json:"filas"`
		Error  string `json:"error"`
	}
	err := s.C.Do(ctx, http.MethodPost, "/api/collections/reportes/records", s.Admin,
		map[string]any{"tipo": tipo, "formato": "xlsx", "parametros": params}, &rec)
	for err == nil && rec.Estado != "Listo" {
		if rec.Estado == "Error" {
			err = fmt.Errorf("reporte en Error: %s", rec.Error)
			break
		}
		if time.Since(start) > 10*time.Minute {
			err = errors.New("reporte: más de 10 minutos")
			break
		}
		time.Sleep(pollEvery)
		err = s.C.Do(ctx, http.MethodGet, "/api/collections/reportes/records/"+rec.ID, s.Admin, nil, &rec)
	}
	res.Duration = time.Since(start)
	if sampler != nil {
		res.PeakRSS = sampler.Stop()
	}
	res.Detail += fmt.Sprintf(", %d filas", rec.Filas)
	res.Err = err
	return res
}

// sink is an in-process SMTP server that accepts and counts every message.
type sink struct {
	addr      *net.TCPAddr
	srv       *smtp.Server
	delivered atomic.Int64
}

func startSink() (*sink, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sink{addr: l.Addr().(*net.TCPAddr)}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &sinkSession{s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

type sinkSession struct{ s *sink }

func (x *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *sinkSession) Reset()                               {}
func (x *sinkSession) Logout() error                        { return nil }
func (x *sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	x.s.delivered.Add(1)
	return nil
}

// Close stops what the scenarios left running (the SMTP sink).
func (s *SGUL) Close() {
	if s.sink != nil {
		_ = s.sink.srv.Close()
	}
}

// Campaign points SGUL's SMTP settings at an in-process sink, creates a Programada
// campaign to the leads audience closest to size recipients, and waits until it is
// Enviada, sampling the server's memory meanwhile.
func (s *SGUL) Campaign(ctx context.Context, pid, size int) JobResult {
	res := JobResult{Name: "campaña"}
	sk, err := startSink()
	if err != nil {
		res.Err = err
		return res
	}
	// the sink stays up for the rest of the run: later conversions queue welcome mails
	s.sink = sk
	before := sk.delivered.Load()
	err = s.C.Do(ctx, http.MethodPatch, "/api/settings", s.Superuser, map[string]any{
		"smtp": map[string]any{"enabled": true, "host": "127.0.0.1", "port": sk.addr.Port, "tls": false},
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
	var sampler *PeakSampler
	if pid > 0 {
		sampler = SamplePeak(pid, 20*time.Millisecond)
	}
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
	for err == nil && rec.Estado != "Enviada" {
		if rec.Estado == "Cancelada" || (rec.Error != "" && time.Since(start) > time.Minute) {
			err = fmt.Errorf("campaña %s: %s", rec.Estado, rec.Error)
			break
		}
		if time.Since(start) > 15*time.Minute {
			err = errors.New("campaña: más de 15 minutos")
			break
		}
		time.Sleep(pollEvery * 4)
		err = s.C.Do(ctx, http.MethodGet, "/api/collections/campanas/records/"+rec.ID, s.Admin, nil, &rec)
	}
	res.Duration = time.Since(start)
	if sampler != nil {
		res.PeakRSS = sampler.Stop()
	}
	if bestEstado == "" {
		bestEstado = "de la sede"
	}
	res.Recipients = rec.Enviados
	res.Detail = fmt.Sprintf("%d destinatarios (leads %s), %d enviados, %d fallidos, %d recibidos por el sumidero SMTP; %.1f s por 10.000",
		rec.Total, bestEstado, rec.Enviados, rec.Fallidos, sk.delivered.Load()-before, res.Duration.Seconds()*10000/float64(max(rec.Enviados, 1)))
	res.Err = err
	return res
}
