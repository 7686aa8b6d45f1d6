package simulation

import (
	"bytes"
	"context"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
)

// floodAgent is the user agent of floodPeer's version message.
const floodAgent = "/flood/"

// floodPeer connects to a real node, shakes hands by hand, and then
// writes rumors to it as fast as the node reads them, until the test
// ends.
func floodPeer(t *testing.T, addr Addr) {
	t.Helper()
	c, err := net.Dial("tcp", string(addr))
	require.NoError(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() {
		c.Close()
		wg.Wait()
	})
	write := func(m wire.Message) {
		_, err := wire.WriteMessage(c, wire.DevNet, m)
		require.NoError(t, err)
	}
	write(&wire.MsgVersion{ProtocolVersion: wire.ProtocolVersion,
		Nonce: peers.RandomNonce(), UserAgent: floodAgent})
	reg, err := wire.NewRegistry(wire.BaseMessages()...)
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(realWait)))
	for {
		msg, _, err := wire.ReadMessage(c, wire.DevNet, reg)
		require.NoError(t, err)
		if _, ok := msg.(*wire.MsgVerAck); ok {
			break
		}
	}
	write(&wire.MsgVerAck{})

	var frame bytes.Buffer
	_, err = wire.WriteMessage(&frame, wire.DevNet, &MsgRumor{ID: 666})
	require.NoError(t, err)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			if _, err := c.Write(frame.Bytes()); err != nil {
				return // the test is over
			}
		}
	}()
}

// fairMachine tells a flooding peer's messages from the others' and
// from its timer, and logs, after the test marks the log, which came.
type fairMachine struct {
	flooder PeerID
	honest  PeerID
	log     []string // after mark; at most maxFairLog
	marked  bool
}

// maxFairLog bounds fairMachine's log: the test needs its first few.
const maxFairLog = 4096

func (m *fairMachine) Handle(_ time.Time, ev Event) []Action {
	what := ""
	switch ev := ev.(type) {
	case PeerConnected:
		if ev.Version.UserAgent == floodAgent {
			m.flooder = ev.Peer
		} else {
			m.honest = ev.Peer
		}
	case MessageReceived:
		what = map[bool]string{true: "flood", false: "honest"}[ev.From == m.flooder]
	case TimerFired:
		what = "timer"
	case Local:
		return []Action{SetTimer{Timer: 1, After: time.Millisecond}}
	}
	if m.marked && what != "" && len(m.log) < maxFairLog {
		m.log = append(m.log, what)
	}
	return nil
}

// TestRealNodeFairness: a peer that floods a node as fast as the node
// reads delays neither a timer nor another peer's message by more than
// one of its own messages. The test stops the node's loop (with a Do
// that waits), lets the flooder fill its lane, fires the timer and has
// the other peer send, then lets the loop go and counts what it handles
// first: events, not time.
func TestRealNodeFairness(t *testing.T) {
	clock := newFakeClock(false)
	m := &fairMachine{}
	n := startRealNode(t, m, withClock(clock))
	ctx := context.Background()

	honestM := newRecording(func(ev Event) []Action {
		switch ev.(type) {
		case Start:
			return []Action{Dial{Addr: n.addr}}
		case Local:
			return []Action{Send{To: 1, Msg: &MsgRumor{ID: 1}}}
		}
		return nil
	})
	honest := startRealNode(t, honestM)
	honestM.next(t, "connected", is[PeerConnected])
	floodPeer(t, n.addr)
	peersOf := func() [2]PeerID {
		ids, err := Query(ctx, n.RealNode, func(Machine) [2]PeerID { return [2]PeerID{m.flooder, m.honest} })
		require.NoError(t, err)
		return ids
	}
	require.Eventually(t, func() bool { ids := peersOf(); return ids[0] != 0 && ids[1] != 0 }, realWait, realPoll)
	ids := peersOf()
	require.NoError(t, n.Inject(ctx, "set the timer"))
	barrier(t, n)

	stalled, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		assert.NoError(t, n.Do(ctx, func(Machine) {
			m.marked = true
			close(stalled)
			<-release
		}))
	}()
	<-stalled
	clock.advance(time.Millisecond) // the timer is due
	require.NoError(t, honest.Inject(ctx, "send"))
	require.Eventually(t, func() bool {
		return n.in.queued(ids[0]) == n.cfg.PeerInboxSize && n.in.queued(ids[1]) == 1
	}, realWait, realPoll, "the flooder's lane is full and the honest peer's message waits")
	close(release)
	wg.Wait()

	var log []string
	require.Eventually(t, func() bool {
		log, _ = Query(ctx, n.RealNode, func(Machine) []string { return slices.Clone(m.log) })
		return slices.Contains(log, "timer") && slices.Contains(log, "honest")
	}, realWait, realPoll)
	floodBefore := func(what string) int {
		return len(slices.DeleteFunc(slices.Clone(log[:slices.Index(log, what)]),
			func(s string) bool { return s != "flood" }))
	}
	assert.LessOrEqual(t, floodBefore("timer"), 1, "flood messages before the timer: %v", log[:min(len(log), 10)])
	assert.LessOrEqual(t, floodBefore("honest"), 1, "flood messages before the other peer's: %v", log[:min(len(log), 10)])
}
