package pgmirror

import (
	"context"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Hook ids, so the lead (or tests) can unbind them.
const (
	hookCollectionCreate = "pgmirror.collectionCreate"
	hookCollectionUpdate = "pgmirror.collectionUpdate"
	hookCollectionDelete = "pgmirror.collectionDelete"
)

// autoRelay lets tests that drive the relay by hand keep OnServe from starting one.
var autoRelay = true

// Register binds the mirror onto app.
//
// With cfg.URL empty (minimal mode) it only removes leftover capture triggers
// on serve, so that writes carry no mirror cost; PostgreSQL is never touched.
//
// Otherwise it installs the capture triggers for every mirrored collection at
// bootstrap and on serve (the "doctor"), keeps them in step with collection
// create/update/delete in the same transaction (plus a schema event), starts
// the relay on serve and stops it on terminate.
func Register(app core.App, cfg Config) error {
	if !cfg.Enabled() {
		app.OnServe().BindFunc(func(e *core.ServeEvent) error {
			if err := RemoveCapture(e.App); err != nil {
				e.App.Logger().Warn("pgmirror: remove capture triggers", "error", err)
			}
			return e.Next()
		})
		return nil
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	doctor := func(a core.App) error {
		rep, err := Doctor(a)
		if err != nil {
			return err
		}
		if len(rep.Installed) > 0 {
			a.Logger().Info("pgmirror: capture triggers installed; those collections will be resynced", "collections", rep.Installed)
		}
		return nil
	}
	if app.IsBootstrapped() {
		if err := doctor(app); err != nil {
			return err
		}
	}
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return doctor(e.App)
	})

	app.OnCollectionCreateExecute().Bind(&hook.Handler[*core.CollectionEvent]{
		Id: hookCollectionCreate, Priority: 50, Func: onCollectionSave("c"),
	})
	app.OnCollectionUpdateExecute().Bind(&hook.Handler[*core.CollectionEvent]{
		Id: hookCollectionUpdate, Priority: 50, Func: onCollectionSave("u"),
	})
	// priority > 99: runs inside the system handler's transaction, after DROP TABLE
	app.OnCollectionDeleteExecute().Bind(&hook.Handler[*core.CollectionEvent]{
		Id: hookCollectionDelete, Priority: 100, Func: onCollectionDelete,
	})

	w := &worker{}
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		if err := doctor(e.App); err != nil { // after the app migrations
			return err
		}
		if autoRelay {
			if err := w.start(e.App, cfg); err != nil {
				return err
			}
		}
		return e.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		w.stop()
		return e.Next()
	})
	return nil
}

// onCollectionSave wraps the system save (model write + table sync) in a
// transaction and installs the capture triggers and a schema event in it.
func onCollectionSave(op string) func(e *core.CollectionEvent) error {
	return func(e *core.CollectionEvent) error {
		if e.Collection.IsView() {
			return e.Next()
		}
		orig := e.App
		defer func() { e.App = orig }()
		err := orig.RunInTransaction(func(tx core.App) error {
			e.App = tx
			if err := e.Next(); err != nil {
				return err
			}
			db := tx.NonconcurrentDB()
			if err := ensureOutbox(db); err != nil {
				return err
			}
			if IsMirrored(e.Collection) {
				if err := installTriggers(db, e.Collection); err != nil {
					return err
				}
			} else if err := dropTriggers(db, triggerNames(e.Collection.Id)); err != nil {
				return err
			}
			return enqueue(db, kindCollection, e.Collection.Id, e.Collection.Name, op)
		})
		if err != nil {
			// the system handler reloaded the cache from inside the rolled back transaction
			_ = orig.ReloadCachedCollections()
		}
		return err
	}
}

func onCollectionDelete(e *core.CollectionEvent) error {
	if !e.Collection.IsView() {
		db := e.App.NonconcurrentDB()
		if err := ensureOutbox(db); err != nil {
			return err
		}
		if err := enqueue(db, kindCollection, e.Collection.Id, e.Collection.Name, "d"); err != nil {
			return err
		}
	}
	return e.Next()
}

// worker owns the relay goroutine between serve and terminate.
type worker struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

func (w *worker) start(app core.App, cfg Config) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		return nil
	}
	r, err := NewRelay(app, cfg)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel, w.done = cancel, make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		r.Run(ctx)
	}(w.done)
	app.Logger().Info("pgmirror: relay started", "schema", cfg.Schema)
	return nil
}

func (w *worker) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel == nil {
		return
	}
	w.cancel()
	select {
	case <-w.done:
	case <-time.After(10 * time.Second):
	}
	w.cancel, w.done = nil, nil
}
