package apidocs

import _ "embed"

// Page is the self-contained HTML docs page served at /api/docs/. Its script, Script,
// is served next to it as docs.js (a separate file, so the site's Content-Security-Policy
// of same-origin scripts holds): it fetches openapi.json and renders tags, operations
// and schemas with Spanish labels, without external resources.
//
//go:embed page.html
var Page []byte

// Script is the docs page's JavaScript, served at /api/docs/docs.js.
//
//go:embed docs.js
var Script []byte
