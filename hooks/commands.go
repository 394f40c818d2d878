package hooks

import "github.com/pocketbase/pocketbase"

// RegisterCommands adds SGUL's CLI commands (demo, pg ...) next to PocketBase's own.
func RegisterCommands(app *pocketbase.PocketBase, cfg *Config) {}
