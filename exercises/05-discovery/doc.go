// Package discovery holds the exercises of chapter 05. Each exercise is
// in a file of its own with a stub to replace; the tests say whether it is
// solved. The tasks are in docs/chapters/05-discovery.md, section
// Exercises; check your work with `go run ./tools/grade 05`.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package discovery

// The shape of the new table, as in chapter 05's address book.
const (
	NewBuckets          = 256 // buckets in the new table
	NewBucketsPerSource = 16  // buckets one source group can fill
)
