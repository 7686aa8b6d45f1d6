//go:build solution

package forkchoice

import (
	"slices"

	chapter "peerchain/chapters/10-forkchoice"
)

// LabChoice follows the most cumulative work; a tie keeps the tip.
type LabChoice struct{}

var _ chapter.Choice = LabChoice{}

// Better is true when candidate's branch has strictly more work.
func (LabChoice) Better(candidate, current *chapter.Node) bool {
	return candidate.Work.Cmp(current.Work) > 0
}

// Path walks both tips down to the fork: from's side as it goes, tip
// first, and to's side turned around, lowest first.
func (LabChoice) Path(from, to *chapter.Node) (disconnect, connect []*chapter.Node) {
	a, b := from, to
	for a.Height > b.Height {
		disconnect = append(disconnect, a)
		a = a.Parent
	}
	for b.Height > a.Height {
		connect = append(connect, b)
		b = b.Parent
	}
	for a != b {
		disconnect = append(disconnect, a)
		connect = append(connect, b)
		a, b = a.Parent, b.Parent
	}
	slices.Reverse(connect)
	return disconnect, connect
}
