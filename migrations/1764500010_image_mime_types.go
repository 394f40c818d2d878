package migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Image fields take raster images only. PocketBase's users.avatar accepts SVG (and GIF):
// an SVG can carry script, which runs when the file is opened from its URL (stored XSS).
// The image fields are limited to JPEG, PNG and WebP and to 2 MB when they had no limit
// of their own (PocketBase's default is 5 MB). Files already stored are left as they are.
//
// Down puts back PocketBase's own avatar settings.

// imageFields are the collection/field pairs that hold pictures of people.
var imageFields = []struct{ collection, field string }{
	{"users", "avatar"},
}

var (
	imageMimeTypes = []string{"image/jpeg", "image/png", "image/webp"}
	// pocketBaseAvatarMimeTypes is users.avatar as PocketBase's init migration creates it.
	pocketBaseAvatarMimeTypes = []string{"image/jpeg", "image/png", "image/svg+xml", "image/gif", "image/webp"}
)

const imageMaxSize = 2 << 20

func init() {
	m.Register(upImageMimeTypes, downImageMimeTypes)
}

func upImageMimeTypes(app core.App) error {
	return editImageFields(app, func(f *core.FileField) {
		f.MimeTypes = slices.Clone(imageMimeTypes)
		if f.MaxSize == 0 {
			f.MaxSize = imageMaxSize
		}
	})
}

func downImageMimeTypes(app core.App) error {
	return editImageFields(app, func(f *core.FileField) {
		f.MimeTypes = slices.Clone(pocketBaseAvatarMimeTypes)
		if f.MaxSize == imageMaxSize {
			f.MaxSize = 0
		}
	})
}

// editImageFields applies edit to each image field that exists and saves its collection.
func editImageFields(app core.App, edit func(*core.FileField)) error {
	for _, img := range imageFields {
		c, err := app.FindCollectionByNameOrId(img.collection)
		if err != nil {
			continue // not created (yet, or anymore): nothing to restrict
		}
		f, ok := c.Fields.GetByName(img.field).(*core.FileField)
		if !ok {
			continue
		}
		edit(f)
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}
