// Package broadcast holds the exercises of chapter 06. Each exercise is
// in a file of its own with a stub to replace; the tests say whether it
// is solved. The tasks are in docs/chapters/06-broadcast.md, section
// Exercises; check your work with `go run ./tools/grade 06`.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package broadcast
