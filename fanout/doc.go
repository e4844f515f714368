// Package fanout runs a function over many items with a bounded number of
// goroutines. Every goroutine it starts has returned when its call returns.
package fanout
