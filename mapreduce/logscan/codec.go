package logscan

import "github.com/logmr/logmr/logparse"

// A PartialCodec is an Aggregate whose partial result can be encoded and
// read back: ScanOptions.Cache keeps an input's encoded partial, and a
// partial-result file (see ScanPartial) carries the encoded partial of a
// shard. Any aggregate that implements it, an embedder's own included, can
// be cached, written and merged.
type PartialCodec interface {
	// PartialKind names what the aggregate computes, with every option
	// that changes a partial: partials of different kinds never mix (it is
	// part of the cache's query). Change it when the encoding or the
	// meaning of a partial changes.
	PartialKind() string
	// AppendPartial appends the encoded partial to dst. The same partial
	// must always encode to the same bytes (sort keys). ok is false when it
	// cannot be encoded (counts spilled to temporary files): the input is
	// then not cached.
	AppendPartial(dst []byte) (out []byte, ok bool)
	// ReadPartial adds an encoded partial to the aggregate, as Merge adds
	// another aggregate. It must return an error, never panic, on bytes
	// AppendPartial did not write.
	ReadPartial(data []byte) error
}

// A FieldsReader is an Aggregate that says which of the parser's optional
// fields its Add reads, so that the others need not be filled in (see
// logparse.Parser.Need); an Aggregate that does not say gets them all.
type FieldsReader interface {
	Fields() logparse.Fields
}
