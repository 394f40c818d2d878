package campaigns

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/mailer"
)

// ErrSMTPDisabled means PocketBase's SMTP settings are off: campaigns wait (their job
// retries) until an operator configures them.
var ErrSMTPDisabled = errors.New("el envío de correos no está configurado: active SMTP en la configuración de correo del panel")

// SMTPConfig maps PocketBase's mail settings (the ones operators edit in the dashboard)
// to the mass mailer's configuration. STARTTLS is opportunistic, as in PocketBase.
func SMTPConfig(s *core.Settings) (mailer.SMTPConfig, error) {
	if !s.SMTP.Enabled || s.SMTP.Host == "" {
		return mailer.SMTPConfig{}, ErrSMTPDisabled
	}
	return mailer.SMTPConfig{
		Host:          s.SMTP.Host,
		Port:          s.SMTP.Port,
		Username:      s.SMTP.Username,
		Password:      s.SMTP.Password,
		AuthMethod:    s.SMTP.AuthMethod,
		TLS:           s.SMTP.TLS,
		LocalName:     s.SMTP.LocalName,
		SenderAddress: s.Meta.SenderAddress,
		SenderName:    s.Meta.SenderName,
	}, nil
}
