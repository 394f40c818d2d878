// Package pgmirror keeps a PostgreSQL copy of SGUL's SQLite data.
//
// SQLite stays the live store. SQLite triggers on every mirrored collection table
// write one row per change into the _pgmirror_outbox table, inside the same
// transaction as the change, so an outbox row exists if and only if the change
// committed. A single background relay reads outbox batches in short SQLite read
// transactions, re-reads the current rows and applies them to PostgreSQL in one
// transaction together with its cursor, guarded by the outbox sequence so that a
// replay never overwrites newer data.
//
// With an empty Config.URL (minimal mode) the package touches no PostgreSQL at all
// and removes its capture triggers, so the write path has no extra cost.
package pgmirror
