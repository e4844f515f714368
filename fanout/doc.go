// Package fanout runs a function over many items with a bounded number of
// goroutines (Each, Map), or hands what each item produces to the caller
// in item order (Ordered). Every goroutine it starts has returned when its
// call returns.
package fanout
