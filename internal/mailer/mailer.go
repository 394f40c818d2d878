// Package mailer sends mass e-mail over one reused SMTP connection with a
// rate limit, reporting each message's outcome before sending the next.
//
// It is a leaf package: callers map PocketBase's SMTP settings into
// SMTPConfig, stream Messages through a channel and persist every Outcome
// from the report callback.
package mailer

import "time"

// SMTPConfig mirrors PocketBase's settings.SMTP plus the sender identity.
type SMTPConfig struct {
	// Host and Port of the SMTP server; Port 0 means 465 with TLS, else 587.
	Host string
	Port int
	// Username and Password enable SMTP AUTH when Username is not empty.
	Username, Password string
	// AuthMethod is "PLAIN" (default) or "LOGIN", as in PocketBase.
	AuthMethod string
	// TLS selects implicit TLS (SMTPS, usually port 465).
	TLS bool
	// StartTLS applies when TLS is false: "" or "opportunistic" upgrades when
	// the server offers STARTTLS (PocketBase's behaviour), "mandatory" refuses
	// to send without it, "none" never upgrades (local relays only).
	StartTLS string
	// LocalName is the EHLO name; empty means this machine's hostname.
	LocalName string
	// SenderAddress and SenderName form the From header.
	SenderAddress, SenderName string
	// Timeout bounds dialing and each SMTP command (default 30 s).
	Timeout time.Duration
}

// Message is one e-mail to one recipient.
type Message struct {
	// Key is the caller's stable id for the message (e.g. the envío record id),
	// echoed in its Outcome.
	Key string
	// To is the recipient address.
	To string
	// Subject is plain text.
	Subject string
	// HTML and Text are the bodies; with both, Text is the plain alternative.
	HTML, Text string
	// Headers are added verbatim, e.g. List-Unsubscribe and List-Unsubscribe-Post.
	Headers map[string]string
}

// Outcome is the result of sending one Message.
type Outcome struct {
	// Key repeats Message.Key.
	Key string
	// Sent reports that the server accepted the message.
	Sent bool
	// Temporary reports a failure worth retrying later (4xx reply, lost connection).
	Temporary bool
	// Err is nil when Sent; its text is Spanish and fit to show to staff.
	Err error
}
