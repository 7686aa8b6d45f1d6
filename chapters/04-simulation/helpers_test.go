package simulation

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running: the
// real driver's tests start many.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// story is the shared log of a scenario: what every node saw, in order.
type story struct {
	lines []string
}

func (s *story) String() string { return strings.Join(s.lines, "\n") }

// scripted is a machine for scenario tests: it writes every event into
// the story and does nothing itself. Tests make its node act with Act.
type scripted struct {
	id    NodeID
	story *story
}

func (m *scripted) Handle(now time.Time, ev Event) []Action {
	m.story.lines = append(m.story.lines, fmt.Sprintf("%v n%d %v", now.Sub(Epoch), m.id, ev))
	return nil
}

// newStoryNetwork builds a network of scripted machines that share a story.
func newStoryNetwork(t *testing.T, cfg Config) (*Network, *story) {
	t.Helper()
	s := &story{}
	net, err := New(cfg, func(id NodeID, _ *rand.Rand) Machine {
		return &scripted{id: id, story: s}
	})
	require.NoError(t, err)
	return net, s
}

// rumor makes a small message with an ID to tell messages apart.
func rumor(id uint64) *MsgRumor { return &MsgRumor{ID: id, Body: []byte("x")} }

// received lists the IDs of the rumors a story shows arriving at node.
func received(s *story, node NodeID) []string {
	var ids []string
	prefix := fmt.Sprintf(" n%d rumor ", node)
	for _, l := range s.lines {
		if strings.Contains(l, prefix) {
			ids = append(ids, l)
		}
	}
	return ids
}

// peerID is the PeerID node id knows its connection to remote by, or 0.
func (n *Network) peerID(id, remote NodeID) PeerID {
	c := n.nodes[id].links[remote]
	if c == nil {
		return 0
	}
	return c.end[1-c.farSide(id)].peer
}

// connections lists, for every node, the nodes it has an open
// connection to, and whether it dialed each: "0->1" for one it dialed,
// "0<-1" for one that dialed it.
func (n *Network) connections() []string {
	var out []string
	for id := range n.nodes {
		nd := &n.nodes[id]
		for _, p := range sortedKeys(nd.conns) {
			c := nd.conns[p]
			far := c.end[c.farSide(NodeID(id))].node
			arrow := "->"
			if c.end[1].node == NodeID(id) {
				arrow = "<-"
			}
			out = append(out, fmt.Sprintf("%d%s%d", id, arrow, far))
		}
	}
	return out
}
