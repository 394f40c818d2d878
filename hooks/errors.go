package hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/apierror"
)

// bindSpanishErrors translates every API error into Spanish before it is written.
func bindSpanishErrors(se *core.ServeEvent) {
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{
		Id:       "sgulSpanishErrors",
		Priority: -1000, // outermost: sees the errors of every other middleware and handler
		Func: func(e *core.RequestEvent) error {
			err := e.Next()
			if err == nil {
				return nil
			}
			apiErr := router.ToApiError(err)
			apierror.Translate(apiErr)
			return apiErr
		},
	})
}
