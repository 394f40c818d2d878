package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Auth e-mails of the institute's people, in Spanish: staff (users) and students (alumnos)
// get verification, password reset, e-mail change, one-time code and new-sign-in alert
// mails whose links open the portal's public pages (#/restablecer, #/verificar,
// #/confirmar-correo in pb_public) instead of PocketBase's superuser dashboard (/_/).
// PocketBase fills {APP_NAME}, {APP_URL}, {TOKEN}, {OTP}, {ALERT_INFO} and {RECORD:field}
// (non-hidden fields of the account). Down restores PocketBase's English defaults.

// authMailCollections: the auth collection, the field with the person's name, and the
// wording that differs between staff and students.
var authMailCollections = []struct {
	name, nameField, account, resetReason, signIn string
}{
	{"users", "nombre", "su cuenta del personal de {APP_NAME}",
		"se solicitó restablecer la contraseña de su cuenta del personal de {APP_NAME}",
		"el portal del personal"},
	{"alumnos", "nombre_completo", "su cuenta de alumno de {APP_NAME}",
		"se creó su cuenta de alumno de {APP_NAME} al matricularse, o porque se solicitó restablecer su contraseña",
		"la aplicación de {APP_NAME}"},
}

// authMailLink is a portal page for the token of collection c (& escaped: the body is HTML).
func authMailLink(page, c string) string {
	return "{APP_URL}/#/" + page + "?token={TOKEN}&amp;c=" + c
}

func authMailButton(link, label string) string {
	return `<p>
  <a class="btn" href="` + link + `" target="_blank" rel="noopener">` + label + `</a>
</p>
<p><small>Si el botón no funciona, copie este enlace y péguelo en su navegador:<br/>` + link + `</small></p>
`
}

const authMailSignature = `<p>
  Atentamente,<br/>
  El equipo de {APP_NAME}
</p>`

// authMailTemplates returns the Spanish templates of one auth collection.
func authMailTemplates(c, nameField, account, resetReason, signIn string) (verification, reset, emailChange, otp, alert core.EmailTemplate) {
	hello := "<p>Hola, {RECORD:" + nameField + "}:</p>\n"
	verification = core.EmailTemplate{
		Subject: "Confirme su correo en {APP_NAME}",
		Body: hello +
			"<p>Para terminar de activar " + account + ", confirme que esta dirección de correo le pertenece haciendo clic en el botón:</p>\n" +
			authMailButton(authMailLink("verificar", c), "Confirmar mi correo") +
			"<p><i>Si usted no tiene una cuenta en {APP_NAME}, puede ignorar este mensaje.</i></p>\n" +
			authMailSignature,
	}
	reset = core.EmailTemplate{
		Subject: "Elija su nueva contraseña de {APP_NAME}",
		Body: hello +
			"<p>Le escribimos porque " + resetReason + ".</p>\n" +
			"<p>Para elegir su nueva contraseña, haga clic en el botón:</p>\n" +
			authMailButton(authMailLink("restablecer", c), "Elegir mi contraseña") +
			"<p>Por su seguridad, el enlace vence en poco tiempo y sirve una sola vez. Si ya venció, en la misma página puede pedir uno nuevo.</p>\n" +
			"<p><i>Si usted no pidió este cambio, ignore este mensaje: su contraseña actual sigue siendo válida.</i></p>\n" +
			authMailSignature,
	}
	emailChange = core.EmailTemplate{
		Subject: "Confirme su nuevo correo en {APP_NAME}",
		Body: hello +
			"<p>Se pidió que esta dirección pase a ser el correo de " + account + ".</p>\n" +
			"<p>Para confirmar el cambio, haga clic en el botón; por seguridad le pediremos su contraseña actual:</p>\n" +
			authMailButton(authMailLink("confirmar-correo", c), "Confirmar mi nuevo correo") +
			"<p><i>Si usted no pidió este cambio, ignore este mensaje: su correo no se modificará.</i></p>\n" +
			authMailSignature,
	}
	otp = core.EmailTemplate{
		Subject: "Su código de acceso a {APP_NAME}",
		Body: hello +
			"<p>Su código de acceso de un solo uso es: <strong>{OTP}</strong></p>\n" +
			"<p>Ingréselo en " + signIn + " para continuar. El código vence en pocos minutos; no lo comparta con nadie, tampoco con el personal del instituto.</p>\n" +
			"<p><i>Si usted no pidió este código, puede ignorar este mensaje.</i></p>\n" +
			authMailSignature,
	}
	alert = core.EmailTemplate{
		Subject: "Nuevo inicio de sesión en {APP_NAME}",
		Body: hello +
			"<p>Se ingresó a " + account + " desde un dispositivo o lugar nuevo:</p>\n" +
			"<p><em>{ALERT_INFO}</em></p>\n" +
			"<p>Si fue usted, no necesita hacer nada.</p>\n" +
			"<p><strong>Si no fue usted, cambie su contraseña de inmediato: así se cerrarán las sesiones abiertas en otros dispositivos. Si no puede ingresar, pida ayuda a la administración del instituto.</strong></p>\n" +
			authMailSignature,
	}
	return
}

// alumnoWelcomeLinkSeconds is how long a student's reset (welcome) link works: 72 hours.
const alumnoWelcomeLinkSeconds = 72 * 60 * 60

func init() {
	m.Register(func(app core.App) error {
		for _, a := range authMailCollections {
			col, err := app.FindCollectionByNameOrId(a.name)
			if err != nil {
				return err
			}
			col.VerificationTemplate, col.ResetPasswordTemplate, col.ConfirmEmailChangeTemplate,
				col.OTP.EmailTemplate, col.AuthAlert.EmailTemplate = authMailTemplates(a.name, a.nameField, a.account, a.resetReason, a.signIn)
			if a.name == "alumnos" {
				// the reset mail is also the new student's welcome: its link must outlive
				// PocketBase's 30 minutes (the student may read it the next day)
				col.PasswordResetToken.Duration = alumnoWelcomeLinkSeconds
			}
			if err := app.Save(col); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		defaults := core.NewAuthCollection("defaults") // PocketBase's own templates
		for _, a := range authMailCollections {
			col, err := app.FindCollectionByNameOrId(a.name)
			if err != nil {
				return err
			}
			col.VerificationTemplate = defaults.VerificationTemplate
			col.ResetPasswordTemplate = defaults.ResetPasswordTemplate
			col.ConfirmEmailChangeTemplate = defaults.ConfirmEmailChangeTemplate
			col.OTP.EmailTemplate = defaults.OTP.EmailTemplate
			col.AuthAlert.EmailTemplate = defaults.AuthAlert.EmailTemplate
			col.PasswordResetToken.Duration = defaults.PasswordResetToken.Duration
			if err := app.Save(col); err != nil {
				return err
			}
		}
		return nil
	})
}
