package jobs

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// work is one worker goroutine: claim, run, repeat; sleep when nothing is due.
func (q *Queue) work(r *run, n int) {
	defer r.wg.Done()
	idle := time.NewTimer(q.cfg.PollInterval)
	defer idle.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-r.ctx.Done():
			return
		default:
		}

		job, token, err := q.claim(n)
		if err != nil {
			q.app.Logger().Error("jobs: no se pudo reclamar un trabajo", "error", err)
		}
		if job != nil {
			q.Wake() // there may be more: let a sibling look too
			q.execute(r, job, token)
			continue
		}

		idle.Reset(q.cfg.PollInterval)
		select {
		case <-r.stop:
			return
		case <-r.ctx.Done():
			return
		case <-q.wake:
		case <-idle.C:
		}
	}
}

// errLeaseLost cancels a job whose heartbeat found its claim taken over.
var errLeaseLost = errors.New("jobs: lease perdido")

// execute runs one claimed job with a heartbeat and records its outcome.
func (q *Queue) execute(r *run, job *Job, token string) {
	if job.Attempt > job.MaxAttempts {
		// A previous worker died during the last allowed attempt: do not run it again.
		msg := fmt.Sprintf("sin intentos: el intento %d de %d no terminó antes de vencer su lease", job.Attempt-1, job.MaxAttempts)
		ok, err := q.markDead(job.Id, token, msg)
		q.record(job, token, ok, err)
		return
	}

	jctx, cancel := context.WithCancelCause(r.ctx)
	defer cancel(nil)
	hbDone := make(chan struct{})
	go func() {
		defer close(hbDone)
		q.heartbeat(jctx, cancel, job.Id, token)
	}()

	err := q.invoke(jctx, job)
	lost := errors.Is(context.Cause(jctx), errLeaseLost)
	cancel(nil)
	<-hbDone

	var ok bool
	var saveErr error
	switch {
	case err == nil:
		ok, saveErr = q.markDone(job.Id, token)
	case lost:
		q.app.Logger().Warn("jobs: lease perdido durante la ejecución", "job", job.Id, "tipo", job.Tipo, "error", err)
		return
	case r.ctx.Err() != nil:
		// Hard stop: leave the row as is; it runs again when its lease expires.
		q.app.Logger().Warn("jobs: trabajo interrumpido por el apagado", "job", job.Id, "tipo", job.Tipo, "error", err)
		return
	case job.Attempt >= job.MaxAttempts:
		q.app.Logger().Error("jobs: trabajo muerto", "job", job.Id, "tipo", job.Tipo, "intento", job.Attempt, "error", err)
		ok, saveErr = q.markDead(job.Id, token, err.Error())
	default:
		delay := q.jitter(backoffCap(job.Attempt, q.cfg.BaseBackoff, q.cfg.MaxBackoff))
		q.app.Logger().Warn("jobs: trabajo fallido", "job", job.Id, "tipo", job.Tipo, "intento", job.Attempt, "reintento_en", delay.String(), "error", err)
		ok, saveErr = q.markFailed(job.Id, token, err.Error(), delay)
	}
	q.record(job, token, ok, saveErr)
}

// record logs the outcome of writing a job's final state.
func (q *Queue) record(job *Job, token string, ok bool, err error) {
	switch {
	case err != nil:
		q.app.Logger().Error("jobs: no se pudo guardar el resultado", "job", job.Id, "tipo", job.Tipo, "error", err)
	case !ok:
		q.app.Logger().Warn("jobs: otro worker tomó el trabajo; resultado descartado", "job", job.Id, "tipo", job.Tipo, "worker", token)
	}
}

// invoke calls the job's handler, turning a panic or a missing handler into an error.
func (q *Queue) invoke(ctx context.Context, job *Job) (err error) {
	h := q.handler(job.Tipo)
	if h == nil {
		return fmt.Errorf("no hay handler registrado para el tipo %q", job.Tipo)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			q.app.Logger().Error("jobs: panic en handler", "job", job.Id, "tipo", job.Tipo, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	return h(ctx, q.app, job)
}

// heartbeat extends the lease every Lease/3 until ctx ends; it cancels the job if the
// claim was taken over (the row no longer carries this token).
func (q *Queue) heartbeat(ctx context.Context, cancel context.CancelCauseFunc, id, token string) {
	t := time.NewTicker(max(q.cfg.Lease/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := q.extendLease(id, token)
		switch {
		case err != nil:
			q.app.Logger().Warn("jobs: no se pudo extender el lease", "job", id, "error", err)
		case !ok:
			cancel(errLeaseLost)
			return
		}
	}
}
