package hooks

import "github.com/pocketbase/pocketbase/core"

// bindCustomerPaths serves the customer's API paths on top of the collection API.
func bindCustomerPaths(se *core.ServeEvent) {}
