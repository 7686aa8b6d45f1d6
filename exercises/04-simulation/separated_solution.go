//go:build solution

package simulation

import "slices"

// Separated reports whether a partition into groups keeps nodes a and b
// apart; the nodes named in no group form one more group together.
func Separated(groups [][]int, a, b int) bool {
	return side(groups, a) != side(groups, b)
}

// side is the index of the group holding node, or -1 for "the rest".
func side(groups [][]int, node int) int {
	return slices.IndexFunc(groups, func(g []int) bool {
		return slices.Contains(g, node)
	})
}
