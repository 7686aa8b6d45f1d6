//go:build solution

// Fixture for tools/grade's tests: see grade_test.go.
package crash

func Calm(x int) int { return 2 * x }
