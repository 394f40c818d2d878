package mailer

import (
	"context"
	"errors"
	"net"

	"github.com/wneessen/go-mail"
)

// DeliveryError is the error in a failed Outcome.
type DeliveryError struct {
	// Code is the SMTP reply code, 0 when there was none (e.g. lost connection).
	Code int
	// Temporary reports that retrying later may succeed.
	Temporary bool
	// Reason is a Spanish summary for staff.
	Reason string
	// Err is the underlying error.
	Err error
}

// Error returns the Spanish reason followed by the server's or library's detail.
func (e *DeliveryError) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return e.Reason + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *DeliveryError) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying later: a temporary
// DeliveryError, a network error or a cancelled context.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	if de, ok := errors.AsType[*DeliveryError](err); ok {
		return de.Temporary
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	_, isNet := errors.AsType[net.Error](err)
	return isNet
}

// failure is how one send attempt went wrong.
type failure struct {
	err *DeliveryError
	// connLost means the connection must be dropped and dialled again.
	connLost bool
	// undelivered means the server cannot have accepted the message, so it is
	// safe to send it again at once on a new connection.
	undelivered bool
}

// classify interprets an error from go-mail's Client.Send.
func classify(err error) failure {
	se, ok := errors.AsType[*mail.SendError](err)
	if !ok {
		return failure{err: &DeliveryError{Temporary: true, Reason: "error al enviar", Err: err}, connLost: true}
	}
	code := se.ErrorCode()
	switch {
	case code >= 500:
		return failure{err: &DeliveryError{Code: code, Reason: "rechazado por el servidor de correo", Err: err}}
	case code >= 400:
		// 421 means the server is closing the connection.
		return failure{err: &DeliveryError{Code: code, Temporary: true, Reason: "rechazo temporal del servidor de correo", Err: err}, connLost: code == 421}
	}
	switch se.Reason {
	case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
		return failure{err: &DeliveryError{Reason: "mensaje inválido", Err: err}}
	case mail.ErrConnCheck, mail.ErrSMTPMailFrom, mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrWriteContent:
		// The final "." was never acknowledged: the message was not accepted.
		return failure{err: &DeliveryError{Temporary: true, Reason: "se perdió la conexión con el servidor de correo", Err: err}, connLost: true, undelivered: true}
	default:
		// E.g. the connection died right after the final ".": the server may
		// or may not have accepted the message.
		return failure{err: &DeliveryError{Temporary: true, Reason: "se perdió la conexión con el servidor de correo; el mensaje pudo haberse entregado", Err: err}, connLost: true}
	}
}
