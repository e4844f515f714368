package isal

import "errors"

// ErrUnavailable is returned by Load and NewReader when libisal cannot be
// loaded (it is not installed: Debian/Ubuntu package libisal2), or is not
// the library this package was written for.
var ErrUnavailable = errors.New("libisal unavailable")

// A CorruptError is returned by Read for a deflate stream that does not
// decode: Offset is where in the stream ISA-L found it wrong, in bytes.
type CorruptError struct {
	Offset int64
	Code   int32 // isal_inflate's: -1 invalid block, -2 invalid symbol, -3 invalid lookback distance; -100 no progress
}

func (e *CorruptError) Error() string {
	what := map[int32]string{errInvalidBlock: "invalid block", errInvalidSymbol: "invalid symbol",
		errInvalidLookback: "invalid lookback distance", errNoProgress: "no progress"}[e.Code]
	if what == "" {
		what = "error"
	}
	return "isal: " + what + " in deflate stream"
}
