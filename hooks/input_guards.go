package hooks

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Dates SGUL accepts: nobody in the institute was born, paid or studied outside them.
var (
	minDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2100, 12, 31, 23, 59, 59, 0, time.UTC)
)

// dateLayouts are the forms a date may be sent in (PocketBase's own first).
var dateLayouts = []string{"2006-01-02 15:04:05.000Z", "2006-01-02 15:04:05Z", "2006-01-02 15:04:05", "2006-01-02",
	time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"}

// bindInputGuards refuses record writes whose body has a value of the wrong type for its
// field, before PocketBase would coerce it: "abc" or true for a number would become 0,
// "sí" for a boolean false, a malformed date an empty one (so a pago dated "ayer" would
// be dated today), an object for a text field its JSON. It also keeps dates within
// 1900-2100. Every refusal is a 400 with a Spanish message per field.
//
// It is a router middleware, not a record request hook: by the time those run,
// PocketBase has already coerced the body. Batch sub-requests are not routed, so the
// batch request is checked here as a whole: one bad sub-request refuses the batch
// (which PocketBase runs as one transaction anyway).
func bindInputGuards(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "sgulInputTypes",
			Priority: -900, // after the body limit, before the record handlers
			Func: func(e *core.RequestEvent) error {
				if e.Request.Method == http.MethodPost && e.Request.URL.Path == "/api/batch" {
					return checkBatchTypes(e)
				}
				c := recordWriteCollection(e)
				if c == nil {
					return e.Next()
				}
				info, err := e.RequestInfo()
				if err != nil {
					return e.Next() // PocketBase answers the malformed body itself
				}
				form := strings.HasPrefix(e.Request.Header.Get("Content-Type"), "multipart/form-data")
				if errs := checkBodyTypes(c, info.Body, form); len(errs) > 0 {
					return router.NewBadRequestError("Los datos enviados no son válidos.", errs)
				}
				return e.Next()
			},
		})
		return se.Next()
	})
}

// checkBatchTypes applies checkBodyTypes to each record create/update of a batch
// request; the errors are keyed like PocketBase's own batch errors (requests.N.field).
func checkBatchTypes(e *core.RequestEvent) error {
	info, err := e.RequestInfo()
	if err != nil {
		return e.Next()
	}
	reqs, _ := info.Body["requests"].([]any)
	all := validation.Errors{}
	for i, raw := range reqs {
		r, _ := raw.(map[string]any)
		method, _ := r["method"].(string)
		target, _ := r["url"].(string)
		body, _ := r["body"].(map[string]any)
		switch strings.ToUpper(method) {
		case http.MethodPost, http.MethodPatch, http.MethodPut:
		default:
			continue
		}
		c := batchCollection(e.App, target)
		if c == nil || body == nil {
			continue
		}
		if errs := checkBodyTypes(c, body, false); len(errs) > 0 {
			all[strconv.Itoa(i)] = errs
		}
	}
	if len(all) > 0 {
		return router.NewBadRequestError("Los datos enviados no son válidos.", validation.Errors{"requests": all})
	}
	return e.Next()
}

// batchCollection is the collection of a batch sub-request URL such as
// /api/collections/pagos/records or /api/collections/pagos/records/ID?expand=x.
func batchCollection(app core.App, target string) *core.Collection {
	if i := strings.IndexAny(target, "?#"); i >= 0 {
		target = target[:i]
	}
	parts := strings.Split(strings.Trim(target, "/"), "/")
	if len(parts) < 4 || len(parts) > 5 || parts[0] != "api" || parts[1] != "collections" || parts[3] != "records" {
		return nil
	}
	c, err := app.FindCachedCollectionByNameOrId(parts[2])
	if err != nil {
		return nil
	}
	return c
}

// recordWriteCollection returns the collection of a record create or update request.
func recordWriteCollection(e *core.RequestEvent) *core.Collection {
	switch e.Request.Method {
	case http.MethodPost, http.MethodPatch, http.MethodPut:
	default:
		return nil
	}
	if !strings.HasPrefix(e.Request.Pattern, e.Request.Method+" /api/collections/{collection}/records") {
		return nil
	}
	c, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
	if err != nil {
		return nil
	}
	return c
}

// checkBodyTypes checks each body value against the type of its field. Keys that are
// not fields (PocketBase ignores them) and file fields are left alone. In a multipart
// form every value is text and an empty one clears a number; in JSON a number is a number.
func checkBodyTypes(c *core.Collection, body map[string]any, form bool) validation.Errors {
	errs := validation.Errors{}
	for key, v := range body {
		name := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "+"), "+"), "-") // field modifiers
		f := c.Fields.GetByName(name)
		if f == nil || v == nil {
			continue
		}
		if msg := checkValue(f, v, form); msg != "" {
			errs[name] = validation.NewError("sgul_tipo", msg)
		}
	}
	return errs
}

func checkValue(f core.Field, v any, form bool) string {
	switch f.(type) {
	case *core.NumberField:
		if s, ok := v.(string); (ok && strings.TrimSpace(s) == "" && !form) || !isNumber(v) {
			return "Ingrese un número."
		}
	case *core.BoolField:
		switch x := v.(type) {
		case bool:
		case string:
			switch strings.ToLower(x) {
			case "", "true", "false", "1", "0", "on", "off":
			default:
				return "Indique sí (true) o no (false)."
			}
		default:
			return "Indique sí (true) o no (false)."
		}
	case *core.DateField, *core.AutodateField:
		s, ok := v.(string)
		if !ok {
			return "Ingrese una fecha válida (AAAA-MM-DD)."
		}
		if s == "" {
			return ""
		}
		d, ok := parseDate(s)
		if !ok {
			return "Ingrese una fecha válida (AAAA-MM-DD)."
		}
		if d.Before(minDate) || d.After(maxDate) {
			return "La fecha debe estar entre 1900 y 2100."
		}
	case *core.TextField, *core.EmailField, *core.URLField, *core.EditorField, *core.PasswordField:
		if _, ok := v.(string); !ok && !isNumber(v) { // digits sent as a number (SDK forms) are fine
			return "Ingrese un texto."
		}
	case *core.RelationField, *core.SelectField:
		if !isStrings(v) {
			return "Seleccione un valor válido."
		}
	}
	return ""
}

// isNumber accepts JSON numbers and numeric strings (multipart forms send strings).
func isNumber(v any) bool {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case int, int64:
		return true
	case string:
		if strings.TrimSpace(x) == "" {
			return true // an empty form field clears a number (JSON callers check it apart)
		}
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(x), 64); err != nil {
			return false
		}
	default:
		return false
	}
	return !math.IsNaN(f) && !math.IsInf(f, 0)
}

func isStrings(v any) bool {
	switch x := v.(type) {
	case string, []string:
		return true
	case []any:
		for _, it := range x {
			if _, ok := it.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}

func parseDate(s string) (time.Time, bool) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
