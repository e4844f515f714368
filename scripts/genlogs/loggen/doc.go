// Package loggen writes deterministic, realistic Apache combined access logs, rotated and
// gzipped the way logrotate leaves them, together with the answers a correct reader must find.
// The same seed and Config always produce byte-identical files.
package loggen
