// Package isal inflates raw deflate streams with Intel ISA-L's libisal,
// loaded at run time without cgo; Load says whether it is there.
package isal
