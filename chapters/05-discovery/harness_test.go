package discovery

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

// harness drives one node by hand, event by event, with no network:
// for unit tests of the connection manager and the relay.
type harness struct {
	t    *testing.T
	n    *Node
	now  time.Time
	last simulation.PeerID
}

func newHarness(t *testing.T, cfg NodeConfig) (*harness, []simulation.Action) {
	t.Helper()
	if cfg.Conn.Self == "" {
		cfg.Conn.Self = "203.0.113.1:8333"
	}
	n, err := NewNode(cfg, rand.New(rand.NewPCG(3, 4)))
	require.NoError(t, err)
	h := &harness{t: t, n: n, now: t0}
	return h, h.handle(simulation.Start{})
}

// handle gives the node an event now and returns a copy of its actions.
func (h *harness) handle(ev simulation.Event) []simulation.Action {
	return slices.Clone(h.n.Handle(h.now, ev))
}

// connect opens a connection, as the driver reports it, and returns its
// PeerID and the node's actions.
func (h *harness) connect(addr simulation.Addr, inbound bool) (simulation.PeerID, []simulation.Action) {
	h.last++
	return h.last, h.handle(simulation.PeerConnected{Peer: h.last, Addr: addr,
		Remote: addr, Inbound: inbound})
}

// tick advances the clock to a timer and fires it.
func (h *harness) fire(timer simulation.TimerID, after time.Duration) []simulation.Action {
	h.now = h.now.Add(after)
	return h.handle(simulation.TimerFired{Timer: timer})
}

// dials lists the addresses a list of actions dials.
func dials(acts []simulation.Action) []simulation.Addr {
	var out []simulation.Addr
	for _, a := range acts {
		if d, ok := a.(simulation.Dial); ok {
			out = append(out, d.Addr)
		}
	}
	return out
}

// sends lists the messages sent, by peer.
func sends(acts []simulation.Action) map[simulation.PeerID][]string {
	out := map[simulation.PeerID][]string{}
	for _, a := range acts {
		if s, ok := a.(simulation.Send); ok {
			out[s.To] = append(out[s.To], s.Msg.Command())
		}
	}
	return out
}

// find returns the actions of type T.
func find[T any](acts []simulation.Action) []T {
	var out []T
	for _, a := range acts {
		if v, ok := a.(T); ok {
			out = append(out, v)
		}
		if e, ok := a.(simulation.Emit); ok {
			if v, ok := e.Value.(T); ok {
				out = append(out, v)
			}
		}
	}
	return out
}
