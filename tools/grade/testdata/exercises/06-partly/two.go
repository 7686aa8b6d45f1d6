//go:build !solution

// Fixture for tools/grade's tests: see grade_test.go. Its stub, half
// written, does not compile; One's row must still show.
package partly

func Two() int {
	return "two"
}
