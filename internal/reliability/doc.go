// Package reliability drives a real sgul binary the way the institute would on its worst
// day, and checks afterwards that nothing was lost, doubled or left half-written.
//
// Run loads the demo institute into a data directory, serves it, and runs N concurrent
// clients (cashiers, advisors, HR, students, the director) for a duration: conversions
// with Idempotency-Keys, pagos (some sent two or three times at once with the same key),
// voids, payroll generation, payment and voids, voucher uploads and concurrent approvals,
// plus a mass e-mail campaign and reports. In the middle it kills the server with
// SIGKILL and starts it again on the same directory. When the load ends it waits for
// the queued jobs, stops the server and reads the SQLite file directly (CheckData): per
// sede ingresos = pagos - voids and gastos = paid payroll - voids, every cuota's pagado
// is its pagos, no derived row exists twice, every money write has its audit row, every
// job finished; an in-process SMTP sink shows that no e-mail was sent twice.
//
// The same driver is `sgul loadtest` (Command) and TestLoadCrashRestart.
package reliability
