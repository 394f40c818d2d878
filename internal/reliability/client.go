package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"time"
)

// api talks JSON to one sgul server over HTTP.
type api struct {
	base string
	hc   *http.Client
}

func newAPI(base string) *api {
	tr := &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: 30 * time.Second}
	return &api{base: base, hc: &http.Client{Transport: tr, Timeout: 90 * time.Second}}
}

// session is a signed-in identity.
type session struct {
	api   *api
	token string
	id    string // the record id of the signed-in user
	email string
}

// reply is an HTTP answer; err is set when no answer came (connection refused or reset:
// the server is down).
type reply struct {
	status int
	body   []byte
	err    error
}

func (r reply) decode(v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("status %d: %w: %.200s", r.status, err, r.body)
	}
	return nil
}

func (r reply) String() string {
	if r.err != nil {
		return r.err.Error()
	}
	return fmt.Sprintf("%d %.300s", r.status, r.body)
}

// login signs in to an auth collection ("users", "alumnos" or "_superusers").
func (a *api) login(ctx context.Context, coll, email, password string) (*session, error) {
	s := &session{api: a}
	r := s.call(ctx, "POST", "/api/collections/"+coll+"/auth-with-password", map[string]string{"identity": email, "password": password}, nil)
	if r.err != nil || r.status != http.StatusOK {
		return nil, fmt.Errorf("sign-in of %s: %s", email, r)
	}
	var body struct {
		Token  string
		Record struct{ ID string }
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	s.token, s.id, s.email = body.Token, body.Record.ID, email
	return s, nil
}

// call sends a JSON request (body may be nil) or, for a *form, a multipart one.
func (s *session) call(ctx context.Context, method, path string, body any, hdr map[string]string) reply {
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case *form:
		raw, ct := b.encode()
		rd, contentType = bytes.NewReader(raw), ct
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return reply{err: err}
		}
		rd, contentType = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, s.api.base+path, rd)
	if err != nil {
		return reply{err: err}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if s.token != "" {
		req.Header.Set("Authorization", s.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := s.api.hc.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return reply{status: res.StatusCode, err: err}
	}
	return reply{status: res.StatusCode, body: raw}
}

// list reads up to perPage records of a collection matching filter, into dst.
func (s *session) list(ctx context.Context, coll, query string, dst any) error {
	r := s.call(ctx, "GET", "/api/collections/"+coll+"/records?"+query, nil, nil)
	if r.err != nil || r.status != http.StatusOK {
		return fmt.Errorf("list %s: %s", coll, r)
	}
	var page struct{ Items json.RawMessage }
	if err := r.decode(&page); err != nil {
		return err
	}
	return json.Unmarshal(page.Items, dst)
}

// form is a multipart body: text fields and one file.
type form struct {
	fields              map[string]string
	fileField, fileName string
	file                []byte
}

func (f *form) encode() ([]byte, string) {
	buf := new(bytes.Buffer)
	mw := multipart.NewWriter(buf)
	for k, v := range f.fields {
		_ = mw.WriteField(k, v)
	}
	if f.fileField != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.fileField, f.fileName))
		h.Set("Content-Type", "image/png")
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(f.file)
	}
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// voucherPNG is a valid 1x1 PNG: the voucher image students upload.
var voucherPNG = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
	0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
	0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
}
