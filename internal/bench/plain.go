package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sync/atomic"
	"time"
)

// Plain holds the plain PocketBase side: a `pagos` collection with SGUL's fields and
// indexes but no hooks and the rule "@request.auth.id != ”".
type Plain struct {
	C      *Client
	Token  string
	UserID string
	Refs   map[string]string // relation target collection -> the id of its one record
	// Matriculas is how many matrícula ids the rows are spread over: List asks only for
	// ids that have rows, because PocketBase throttles a client's repeated empty filtered
	// lists (a random delay of up to 500 ms, apis/record_crud.go) and that would measure
	// the throttle, not the list.
	Matriculas int
	seq        atomic.Int64
}

// Plain account created by the setup.
const (
	PlainSuperuser = "bench@plain.local"
	PlainUser      = "user@plain.local"
	PlainPassword  = "bench12345"
)

// ExportPagosSchema reads SGUL's pagos collection (fields, indexes) and the names of the
// collections its relations point to, for the plain server's setup.
func (s *SGUL) ExportPagosSchema(ctx context.Context, path string) error {
	var pagos map[string]any
	if err := s.C.Do(ctx, http.MethodGet, "/api/collections/pagos", s.Superuser, nil, &pagos); err != nil {
		return err
	}
	var cols struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	if err := s.C.Do(ctx, http.MethodGet, "/api/collections?perPage=500&fields=id,name", s.Superuser, nil, &cols); err != nil {
		return err
	}
	names := map[string]string{}
	for _, c := range cols.Items {
		names[c.ID] = c.Name
	}
	raw, err := json.MarshalIndent(map[string]any{"collection": pagos, "names": names}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o600)
}

// SetupPlain runs `plainpb setup` on dir: the superuser, a user, the relation targets
// and pagos from schemaPath, and rows pagos rows inserted directly.
func SetupPlain(bin, dir, schemaPath string, rows int) error {
	out, err := exec.Command(bin, "setup", "--dev=false", "--dir", dir, "--schema", schemaPath, "--rows", fmt.Sprint(rows), "--matriculas", fmt.Sprint(PlainMatriculasFor(rows)),
		"--superuser", PlainSuperuser, "--user", PlainUser, "--password", PlainPassword).CombinedOutput()
	if err != nil {
		return fmt.Errorf("plainpb setup: %w: %s", err, out)
	}
	return nil
}

// PreparePlain signs in the plain server's user and reads the relation targets' ids.
func PreparePlain(ctx context.Context, c *Client) (*Plain, error) {
	p := &Plain{C: c, Refs: map[string]string{}}
	var err error
	if p.Token, p.UserID, err = c.SignIn(ctx, "users", PlainUser, PlainPassword); err != nil {
		return nil, fmt.Errorf("plain sign-in: %w", err)
	}
	su, _, err := c.SignIn(ctx, "_superusers", PlainSuperuser, PlainPassword)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"matriculas", "cuotas", "medios_pago", "sedes"} {
		page, err := List[idSede](ctx, c, su, name, url.Values{"perPage": {"1"}, "fields": {"id"}})
		if err != nil || len(page.Items) == 0 {
			return nil, fmt.Errorf("plain %s: %v", name, err)
		}
		p.Refs[name] = page.Items[0].ID
	}
	return p, nil
}

// SignIn is a plain user sign-in (same bcrypt cost as SGUL's).
func (p *Plain) SignIn(ctx context.Context, _ int) error {
	_, _, err := p.C.SignIn(ctx, "users", PlainUser, PlainPassword)
	return err
}

// Create creates a pago-shaped record with what SGUL's hooks would have filled in.
func (p *Plain) Create(ctx context.Context, w int) error {
	n := p.seq.Add(1)
	return p.C.Do(ctx, http.MethodPost, "/api/collections/pagos/records", p.Token, map[string]any{
		"matricula": p.Refs["matriculas"], "cuota": p.Refs["cuotas"], "concepto": "Pensión", "numero_cuota": 1 + n%30,
		"monto": 150, "medio_pago": p.Refs["medios_pago"], "sede": p.Refs["sedes"], "estado": "Registrado",
		"fecha_pago": time.Now().UTC().Format("2006-01-02 15:04:05.000Z"), "registrado_por": p.UserID,
	}, nil)
}

// List lists the records of one matrícula like SGUL's matrícula screen (the setup spreads
// the rows over PlainMatriculas ids).
func (p *Plain) List(ctx context.Context, w int) error {
	id := fmt.Sprintf("pbm%012d", rand.IntN(max(p.Matriculas, 1)))
	_, err := List[map[string]any](ctx, p.C, p.Token, "pagos", url.Values{"page": {"1"}, "perPage": {"20"}, "skipTotal": {"1"},
		"filter": {"matricula = '" + id + "'"}, "sort": {"-fecha_pago,-created"}})
	return err
}

// PlainMatriculasFor is how many matrícula ids rows plain rows are spread over: every
// id has rows.
func PlainMatriculasFor(rows int) int { return max(1, min(PlainMatriculas, rows)) }

// PlainMatriculas is how many matrícula ids the plain rows are spread over (as many as
// the scale demo's matrículas).
const PlainMatriculas = 30000
