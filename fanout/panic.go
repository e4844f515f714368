package fanout

import "fmt"

// PanicError is what Map and Each re-panic with in the caller's goroutine
// when fn panics. Only the first panic of a call is kept.
type PanicError struct {
	// Value is the value fn panicked with.
	Value any
	// Stack is the stack of the goroutine that panicked, as debug.Stack
	// printed it inside the recovering worker.
	Stack []byte
}

// Error returns the panic value followed by the stack of the panicking
// goroutine.
func (p *PanicError) Error() string {
	return fmt.Sprintf("fanout: panic: %v\n\ngoroutine stack:\n%s", p.Value, p.Stack)
}

// Unwrap returns the panic value if it is an error, else nil, so that
// errors.Is and errors.As see through a recovered PanicError.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}
