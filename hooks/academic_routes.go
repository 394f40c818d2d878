package hooks

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/academic"
	"sgul/internal/access"
	"sgul/internal/audit"
)

// bindAcademicRoutes registers the academic endpoints (the estado de cuenta is
// enrollment's GET /api/matriculas/{id}/estado-cuenta):
//
//	GET  /api/matriculas/{id}/notas-resumen       grades by month and type, average, counts
//	GET  /api/matriculas/{id}/asistencia-resumen  attendance % overall and per malla row
//	POST /api/asistencias/grupal                  a whole class's attendance in one transaction
func bindAcademicRoutes(se *core.ServeEvent) {
	g := se.Router.Group("/api")
	g.Bind(apis.RequireAuth())
	g.GET("/matriculas/{id}/notas-resumen", func(e *core.RequestEvent) error {
		matr, err := matriculaFor(e, func(m *core.Record) bool {
			return academic.MayRecordFor(e.App, e.Auth, access.Notas, m)
		})
		if err != nil {
			return err
		}
		res, err := academic.ResumenNotas(e.App, matr)
		if err != nil {
			return e.InternalServerError("No se pudo calcular el resumen de notas.", err)
		}
		return e.JSON(http.StatusOK, res)
	})
	g.GET("/matriculas/{id}/asistencia-resumen", func(e *core.RequestEvent) error {
		matr, err := matriculaFor(e, func(m *core.Record) bool {
			return academic.MayRecordFor(e.App, e.Auth, access.Asistencias, m)
		})
		if err != nil {
			return err
		}
		res, err := academic.ResumenAsistencia(e.App, matr)
		if err != nil {
			return e.InternalServerError("No se pudo calcular el resumen de asistencia.", err)
		}
		return e.JSON(http.StatusOK, res)
	})
	g.POST("/asistencias/grupal", func(e *core.RequestEvent) error {
		if err := access.Require(e.App, e.Auth, access.Asistencias); err != nil {
			return err
		}
		var form academic.AsistenciaGrupal
		if err := e.BindBody(&form); err != nil {
			return e.BadRequestError("Los datos enviados no tienen un formato válido.", err)
		}
		if err := form.Validate(e.App, time.Now()); err != nil {
			return apiError(err, "Revise la asistencia enviada.")
		}
		for _, m := range form.Matriculas() {
			if !academic.MayRecordFor(e.App, e.Auth, access.Asistencias, m) {
				return e.ForbiddenError("No puede registrar asistencia de alumnos de este programa o sede.", nil)
			}
		}
		res, err := form.Submit(e.App, audit.ActorFromAuth(e.Auth))
		if err != nil {
			return apiError(err, "Revise la asistencia enviada.")
		}
		return e.JSON(http.StatusOK, res)
	})
}

// matriculaFor loads the path's matrícula for its student or for staff that staffOK
// accepts; anyone else gets a 404, so that other students' ids reveal nothing.
func matriculaFor(e *core.RequestEvent, staffOK func(*core.Record) bool) (*core.Record, error) {
	matr, err := e.App.FindRecordById(academic.ColMatriculas, e.Request.PathValue("id"))
	if err != nil {
		return nil, e.NotFoundError("No se encontró la matrícula.", nil)
	}
	if access.IsStudent(e.Auth) {
		if matr.GetString("alumno") == e.Auth.Id {
			return matr, nil
		}
	} else if staffOK(matr) {
		return matr, nil
	}
	return nil, e.NotFoundError("No se encontró la matrícula.", nil)
}
