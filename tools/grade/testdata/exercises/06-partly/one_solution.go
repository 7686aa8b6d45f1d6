//go:build solution

// Fixture for tools/grade's tests: see grade_test.go.
package partly

func One() int { return 1 }
