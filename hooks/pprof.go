package hooks

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// BindPprof serves Go's profiler (net/http/pprof: /debug/pprof/profile, heap, ...) on
// addr while the app serves, for the load benchmark (make bench) and for diagnosing a
// slow server. addr must be a loopback address such as 127.0.0.1:6060; empty (the
// default) binds nothing. It is never part of the public API listener.
func BindPprof(app core.App, addr string) {
	if addr == "" {
		return
	}
	var srv *http.Server
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		host, _, err := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			app.Logger().Error("pprof: la dirección debe ser de loopback (127.0.0.1:PUERTO); no se inicia", "addr", addr)
			return se.Next()
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		srv = &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				app.Logger().Error("pprof", "error", err)
			}
		}()
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		}
		return e.Next()
	})
}
