// Package wire holds the exercises of chapter 02. Each exercise is a
// function in a file of its own with a stub to replace; the tests say
// whether it is solved. The tasks are in docs/chapters/02-wire.md, section
// Exercises; check your work with `go run ./tools/grade 02`.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package wire

import "errors"

// Errors the exercises return.
var (
	ErrNonCanonical = errors.New("non-canonical encoding")
	ErrBadCommand   = errors.New("bad command")
)
