package hooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/sgultest"
)

// The reliability tests (matrix, hostile input, audit, safe defaults) talk to a served
// clone over real HTTP, so that many requests share one app; their helpers start with
// "rl" so they cannot clash with the other areas' helpers in package hooks_test.

// rlClient sends requests to a served app as fixture actors.
type rlClient struct {
	t    testing.TB
	base string
	f    sgultest.Fixture
	http *http.Client
}

func rlServe(t testing.TB, app core.App, f sgultest.Fixture) *rlClient {
	t.Helper()
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &rlClient{t: t, base: sgultest.Serve(t, app), f: f, http: client}
}

// rlReply is a decoded answer.
type rlReply struct {
	Status int
	Raw    []byte
	Header http.Header
}

// JSON decodes the body into a map ("" keys when it is not an object).
func (r rlReply) JSON() map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(r.Raw, &m)
	return m
}

// do sends method path as actor ("" or "anonymous" = no token). body is JSON-encoded
// unless it is an io.Reader or a string (sent as is); hdr adds headers.
func (c *rlClient) do(actor, method, path string, body any, hdr map[string]string) rlReply {
	c.t.Helper()
	var rd io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case io.Reader:
		rd = b
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range c.f.Auth(actor) {
		req.Header.Set(k, v)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return rlReply{Status: res.StatusCode, Raw: raw, Header: res.Header}
}

// rlState is a fingerprint of every table of the app: row count plus the newest
// updated stamp where there is one, so that inserts, deletes and updates all show.
type rlState map[string]string

func rlSnapshot(t testing.TB, app core.App) rlState {
	t.Helper()
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	out := rlState{}
	for _, c := range cols {
		if c.IsView() {
			continue
		}
		expr := "COUNT(*) || ''"
		if c.Fields.GetByName("updated") != nil {
			expr = "COUNT(*) || '/' || COALESCE(MAX([[updated]]), '')"
		}
		var v string
		if err := app.DB().NewQuery("SELECT " + expr + " FROM {{" + c.Name + "}}").Row(&v); err != nil {
			t.Fatalf("snapshot %s: %v", c.Name, err)
		}
		out[c.Name] = v
	}
	out["@files"] = strings.Join(rlFiles(t, app), ",")
	return out
}

// diff lists the tables whose fingerprint changed.
func (s rlState) diff(after rlState) []string {
	var out []string
	for k, v := range after {
		if s[k] != v {
			out = append(out, k+": "+s[k]+" -> "+v)
		}
	}
	sort.Strings(out)
	return out
}

// rlFiles lists the stored (uploaded) files of app.
func rlFiles(t testing.TB, app core.App) []string {
	t.Helper()
	var out []string
	root := filepath.Join(app.DataDir(), "storage")
	_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			out = append(out, strings.TrimPrefix(p, root))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// rlEnglish are fragments of PocketBase's own English messages: none may reach a client.
var rlEnglish = []string{"failed", "invalid", "must be", "cannot be", "required", "something went wrong", "the request",
	"not allowed", "missing", "too large", "only superusers", "unsupported", "wasn't found", "please", "value", "should",
	"doesn't", "does not", "unknown"}

// rlSpanishError checks that a 4xx answer carries PocketBase's error shape with a
// Spanish message, and Spanish messages for every field in data.
func rlSpanishError(t testing.TB, name string, r rlReply) {
	t.Helper()
	var body struct {
		Status  int                       `json:"status"`
		Message string                    `json:"message"`
		Data    map[string]map[string]any `json:"data"`
	}
	if err := json.Unmarshal(r.Raw, &body); err != nil || body.Message == "" {
		t.Errorf("%s: answer %d is not an API error: %.300s", name, r.Status, r.Raw)
		return
	}
	check := func(where, msg string) {
		low := strings.ToLower(msg)
		for _, w := range rlEnglish {
			if strings.Contains(low, w) {
				t.Errorf("%s: %s is not Spanish (%q): %q", name, where, w, msg)
				return
			}
		}
	}
	check("message", body.Message)
	for field, fe := range body.Data {
		msg, _ := fe["message"].(string)
		if msg == "" {
			t.Errorf("%s: field %s has no message: %.300s", name, field, r.Raw)
			continue
		}
		check("field "+field, msg)
	}
}
