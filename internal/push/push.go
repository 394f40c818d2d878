// Package push sends mobile push notifications through Expo Push or Firebase
// Cloud Messaging (HTTP v1).
//
// It is a leaf package: callers load tokens and texts, call Send and persist
// the per-message Results themselves. Both clients retry HTTP 429 and 5xx
// answers (and network errors) with exponential backoff and jitter, honour
// Retry-After, and respect context cancellation.
package push

import "context"

// Result statuses, stored as-is by callers.
const (
	// StatusEnviado means the provider accepted the message.
	StatusEnviado = "enviado"
	// StatusError means the message was not accepted; see Result.Error and Result.Temporary.
	StatusError = "error"
	// StatusTokenInvalido means the device token is unknown or malformed and should be deactivated.
	StatusTokenInvalido = "token_invalido"
)

// Message is one notification for one device token.
type Message struct {
	// Token is the Expo push token (ExponentPushToken[...]) or the FCM registration token.
	Token string
	// Title and Body are the visible texts.
	Title, Body string
	// Data is delivered to the app alongside the notification.
	Data map[string]string
	// Sound is optional ("default" plays the system sound).
	Sound string
}

// Result is the outcome for the Message at the same index.
type Result struct {
	// Token repeats Message.Token.
	Token string
	// Status is StatusEnviado, StatusError or StatusTokenInvalido.
	Status string
	// ProviderID is the Expo ticket id (usable with Expo.GetReceipts) or the FCM message name.
	ProviderID string
	// Error is a Spanish description for staff; empty when Status is StatusEnviado.
	Error string
	// Temporary reports that sending the same message later may succeed
	// (rate limits, provider outages, network errors, cancellation).
	Temporary bool
}

// Sender is what both providers offer; callers depend on it, not on a provider.
type Sender interface {
	// Send delivers msgs and returns one Result per message, in the same order.
	// The error is non-nil only when the whole call could not proceed
	// (cancelled context, rejected credentials); the Results are still complete.
	Send(ctx context.Context, msgs []Message) ([]Result, error)
	// Provider returns "expo" or "fcm".
	Provider() string
}

// failAll fills every result not yet set (empty Status) with an error.
func failAll(results []Result, msgs []Message, reason string, temporary bool) {
	for i := range results {
		if results[i].Status == "" {
			results[i] = Result{Token: msgs[i].Token, Status: StatusError, Error: reason, Temporary: temporary}
		}
	}
}
