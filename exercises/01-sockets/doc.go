// Package sockets holds the exercises of chapter 01. Each exercise is a
// function in a file of its own with a stub to replace; the tests say
// whether it is solved. The tasks are in docs/chapters/01-sockets.md,
// section Exercises; check your work with `go run ./tools/grade 01`.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package sockets

import "errors"

// Errors the exercises return.
var (
	ErrLineTooLong = errors.New("line too long")
	ErrFull        = errors.New("peer set is full")
	ErrDuplicate   = errors.New("peer already in the set")
)
