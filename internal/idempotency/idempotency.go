// Package idempotency remembers what a request sent with an Idempotency-Key created, so a
// retry returns the first result instead of creating a second one. The key row is written
// in the same transaction as the record it stands for.
package idempotency

import (
	"errors"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// Header is the request header clients send.
const Header = "Idempotency-Key"

// ErrReplay is returned inside a transaction when the key was already used: the caller
// rolls back and answers with the stored result.
var ErrReplay = errors.New("idempotency: key already used")

// Find returns the id of the record created under (actor, route, key), or "".
func Find(app core.App, actor, route, key string) string {
	r, err := app.FindFirstRecordByFilter("idempotencia", "actor = {:a} && ruta = {:r} && clave = {:k}",
		map[string]any{"a": actor, "r": route, "k": key})
	if err != nil {
		return ""
	}
	return r.GetString("registro")
}

// Claim records the key for the record with tx, or returns ErrReplay if it is taken.
func Claim(tx core.App, actor, route, key, collection, recordID string) error {
	if Find(tx, actor, route, key) != "" {
		return ErrReplay
	}
	col, err := tx.FindCachedCollectionByNameOrId("idempotencia")
	if err != nil {
		return err
	}
	r := core.NewRecord(col)
	r.Set("clave", key)
	r.Set("actor", actor)
	r.Set("ruta", route)
	r.Set("coleccion", collection)
	r.Set("registro", recordID)
	r.Set("estado_http", 200)
	return tx.Save(r)
}

// Valid reports whether a client key is acceptable (1-255 visible ASCII characters).
func Valid(key string) bool {
	if key == "" || len(key) > 255 {
		return false
	}
	return !strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e })
}
