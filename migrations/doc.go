// Package migrations is SGUL's frozen schema history: one change per file, applied in name order.
package migrations
