package migrations_test

import (
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	_ "sgul/migrations"
)

// TestImageMimeTypesRoundTrip: users.avatar takes JPEG, PNG and WebP up to 2 MB; down puts
// back PocketBase's settings (SVG and GIF included, no size of its own).
func TestImageMimeTypesRoundTrip(t *testing.T) {
	app := newApp(t)
	avatar := func() *core.FileField {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			t.Fatal(err)
		}
		f, ok := users.Fields.GetByName("avatar").(*core.FileField)
		if !ok {
			t.Fatal("users.avatar is not a file field")
		}
		return f
	}
	check := func(when string, types []string, size int64) {
		t.Helper()
		if a := avatar(); !slices.Equal(a.MimeTypes, types) || a.MaxSize != size || !a.Protected {
			t.Errorf("%s: avatar MimeTypes=%v MaxSize=%d Protected=%v; want %v, %d, protected", when, a.MimeTypes, a.MaxSize, a.Protected, types, size)
		}
	}
	check("after up", []string{"image/jpeg", "image/png", "image/webp"}, 2<<20)

	runner := revertFrom(t, app, "1764500010_image_mime_types")
	check("after down", []string{"image/jpeg", "image/png", "image/svg+xml", "image/gif", "image/webp"}, 0)
	if _, err := runner.Up(); err != nil {
		t.Fatal(err)
	}
	check("after up again", []string{"image/jpeg", "image/png", "image/webp"}, 2<<20)
}
