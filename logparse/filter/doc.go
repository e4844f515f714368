// Package filter selects access-log records: a Filter is compiled once into
// a Matcher that tests a logparse.Record without allocating and names the
// condition, built-in or a named Go predicate (Func), that dropped it.
package filter
