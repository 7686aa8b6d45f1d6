//go:build solution

package simulation

import "math/rand/v2"

// PushRound is one round of push gossip among len(informed) nodes, all
// able to reach each other.
func PushRound(informed []bool, fanout int, r *rand.Rand) []bool {
	n := len(informed)
	next := make([]bool, n)
	copy(next, informed)
	if n < 2 {
		return next
	}
	for i, knows := range informed { // the start of the round, not next
		if !knows {
			continue
		}
		for range fanout {
			// Uniform over the n-1 others: pick from 0..n-2 and skip i.
			j := r.IntN(n - 1)
			if j >= i {
				j++
			}
			next[j] = true
		}
	}
	return next
}
