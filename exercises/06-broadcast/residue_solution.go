//go:build solution

package broadcast

import "math"

// Residue solves s = exp(-(k+1)(1-s)) for its root in (0, 1) by
// iterating from 0: each step is below the root and closer to it.
func Residue(k int) float64 {
	if k < 1 {
		return 1
	}
	c := float64(k + 1)
	s := 0.0
	for range 10_000 {
		next := math.Exp(-c * (1 - s))
		if math.Abs(next-s) < 1e-15 {
			return next
		}
		s = next
	}
	return s
}
