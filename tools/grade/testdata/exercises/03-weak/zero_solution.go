//go:build solution

// Fixture for tools/grade's tests: see grade_test.go.
package weak

func Zero(x int) int { return 0 }
