package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Client talks JSON to a PocketBase (SGUL or plain) server.
type Client struct {
	Base string
	HTTP *http.Client
}

// NewClient returns a client keeping up to conns idle keep-alive connections.
func NewClient(base string, conns int) *Client {
	tr := &http.Transport{MaxIdleConns: conns + 8, MaxIdleConnsPerHost: conns + 8, IdleConnTimeout: time.Minute}
	return &Client{Base: base, HTTP: &http.Client{Transport: tr, Timeout: 2 * time.Minute}}
}

// StatusError is a non-2xx answer.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *StatusError) Error() string {
	body := e.Body
	if len(body) > 300 {
		body = body[:300] + "…"
	}
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, body)
}

// Do sends body (JSON-encoded when not nil) with the token and decodes a 2xx answer into
// out (when not nil). Other answers are a *StatusError.
func (c *Client) Do(ctx context.Context, method, path, token string, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &StatusError{Method: method, Path: path, Status: resp.StatusCode, Body: string(raw)}
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// SignIn authenticates against an auth collection and returns the token and record id.
func (c *Client) SignIn(ctx context.Context, collection, email, password string) (token, id string, err error) {
	var out struct {
		Token  string `json:"token"`
		Record struct {
			ID string `json:"id"`
		} `json:"record"`
	}
	err = c.Do(ctx, http.MethodPost, "/api/collections/"+collection+"/auth-with-password", "",
		map[string]string{"identity": email, "password": password}, &out)
	return out.Token, out.Record.ID, err
}

// ListPage is a record list answer.
type ListPage[T any] struct {
	Page       int `json:"page"`
	TotalItems int `json:"totalItems"`
	Items      []T `json:"items"`
}

// List fetches one page of a collection with the given query parameters.
func List[T any](ctx context.Context, c *Client, token, collection string, q url.Values) (*ListPage[T], error) {
	var out ListPage[T]
	err := c.Do(ctx, http.MethodGet, "/api/collections/"+collection+"/records?"+q.Encode(), token, nil, &out)
	return &out, err
}

// ListAll pages through a collection (skipTotal) until limit items or the end.
func ListAll[T any](ctx context.Context, c *Client, token, collection string, q url.Values, limit int) ([]T, error) {
	var all []T
	for page := 1; len(all) < limit; page++ {
		q.Set("page", fmt.Sprint(page))
		q.Set("perPage", "500")
		q.Set("skipTotal", "1")
		p, err := List[T](ctx, c, token, collection, q)
		if err != nil {
			return all, err
		}
		all = append(all, p.Items...)
		if len(p.Items) < 500 {
			break
		}
	}
	if len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}
