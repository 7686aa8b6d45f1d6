package sync

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
)

// headersOn is n headers, each with its proof of work, on the header
// prev at height: no bodies, which is all a header attack needs. tag
// makes one branch's headers differ from another's.
func headersOn(prev blocks.Hash, height uint64, n int, tag uint32) []blocks.Header {
	out := make([]blocks.Header, 0, n)
	for i := range n {
		h := blocks.Header{Version: blocks.BlockVersion, PrevBlock: prev,
			Time: uint32(blockTime(height + 1 + uint64(i)).Unix()), Bits: easyBits}
		binary.BigEndian.PutUint32(h.MerkleRoot[:], tag)
		binary.BigEndian.PutUint32(h.MerkleRoot[4:], uint32(i))
		solve(&h)
		out = append(out, h)
		prev = h.BlockHash()
	}
	return out
}

// victim is a Sync synced to chain, with one peer (1) connected.
type victim struct {
	t   *testing.T
	s   *Sync
	now time.Time
}

const attacker simulation.PeerID = 1

func newVictim(t *testing.T, chain []*blocks.Block) *victim {
	v := &victim{t: t, s: newSync(t, treeOf(t, chain)), now: simulation.Epoch}
	v.s.Handle(v.now, simulation.PeerConnected{Peer: attacker})
	return v
}

// send hands the victim a message of the attacker's, a second after the
// last, and returns what the victim did.
func (v *victim) send(m *blocks.MsgHeaders) []simulation.Action {
	v.now = v.now.Add(time.Second)
	return v.s.Handle(v.now, simulation.MessageReceived{From: attacker, Msg: m})
}

// points sums the Misbehaved emits among actions.
func points(actions []simulation.Action) (sum int, reasons []string) {
	for _, a := range actions {
		if e, ok := a.(simulation.Emit); ok {
			if m, ok := e.Value.(Misbehaved); ok {
				sum += m.Points
				reasons = append(reasons, m.Reason)
			}
		}
	}
	return sum, reasons
}

// asksHeaders says whether actions hold a getheaders.
func asksHeaders(actions []simulation.Action) bool {
	for _, a := range actions {
		if s, ok := a.(simulation.Send); ok && s.Msg.Command() == blocks.CmdGetHeaders {
			return true
		}
	}
	return false
}

// TestBadHeaders: a header that breaks a rule costs its sender points
// and is not kept; a good one is kept and costs nothing.
func TestBadHeaders(t *testing.T) {
	chain := chainOf(t, 200)
	tip := chain[len(chain)-1].Header
	next := func(edit func(h *blocks.Header)) blocks.Header {
		h := headersOn(tip.BlockHash(), 200, 1, 7)[0]
		edit(&h)
		return h
	}
	badPow := next(func(h *blocks.Header) {
		for pow.CheckProofOfWork(h.BlockHash(), h.Bits, testParams.PowLimit) == nil {
			h.Nonce++
		}
	})
	reSolve := func(h *blocks.Header) { solve(h) }
	good := next(func(*blocks.Header) {})
	tests := []struct {
		name       string
		headers    []blocks.Header
		wantPoints int
		wantStored int
	}{
		{"a good header", []blocks.Header{good}, 0, 1},
		{"proof of work not met", []blocks.Header{badPow}, InvalidHeaderPoints, 0},
		{"bits not the retarget's", []blocks.Header{next(func(h *blocks.Header) {
			h.Bits = 0x1f7fffff
			reSolve(h)
		})}, InvalidHeaderPoints, 0},
		{"time at the median time past", []blocks.Header{next(func(h *blocks.Header) {
			h.Time = chain[194].Header.Time // the median of the last 11
			reSolve(h)
		})}, InvalidHeaderPoints, 0},
		{"time 3 h in the future", []blocks.Header{next(func(h *blocks.Header) {
			h.Time = uint32(testClock(simulation.Epoch).Add(3 * time.Hour).Unix())
			reSolve(h)
		})}, InvalidHeaderPoints, 0},
		{"a bad header, then its child", []blocks.Header{badPow,
			headersOn(badPow.BlockHash(), 201, 1, 8)[0]}, InvalidHeaderPoints, 0},
		{"headers that do not follow each other", []blocks.Header{good,
			headersOn(tip.BlockHash(), 200, 1, 9)[0]}, NonContinuousPoints, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVictim(t, chain)
			before := v.s.Footprint().Headers
			require.Equal(t, 201, before)

			got, reasons := points(v.send(&blocks.MsgHeaders{Headers: tt.headers}))

			assert.Equal(t, tt.wantPoints, got, "reasons %q", reasons)
			assert.Equal(t, before+tt.wantStored, v.s.Footprint().Headers)
		})
	}
	// The child of a header found bad is refused without a check.
	v := newVictim(t, chain)
	v.send(&blocks.MsgHeaders{Headers: []blocks.Header{badPow}})
	got, _ := points(v.send(&blocks.MsgHeaders{Headers: headersOn(badPow.BlockHash(), 201, 1, 8)}))
	assert.Equal(t, InvalidHeaderPoints, got, "a known-invalid parent")
}

// TestUnconnectingHeaders: headers of no known parent may be an honest
// announcement that came early, so each is answered with a getheaders;
// only MaxUnconnecting in a row cost points, and nothing is kept.
func TestUnconnectingHeaders(t *testing.T) {
	chain := chainOf(t, 50)
	v := newVictim(t, chain)
	nowhere := headersOn(blocks.Hash{1}, 50, MaxUnconnecting, 3)
	total := 0
	for i, h := range nowhere {
		out := v.send(&blocks.MsgHeaders{Headers: []blocks.Header{h}})
		got, _ := points(out)
		assert.True(t, asksHeaders(out), "message %d answered with getheaders", i)
		if i < MaxUnconnecting-1 {
			assert.Zero(t, got, "message %d", i)
		}
		total += got
	}
	assert.Equal(t, UnconnectingPoints, total)
	assert.Equal(t, 51, v.s.Footprint().Headers)
}

// TestEndlessLowWorkFork: a peer feeds a synced node a fork of its own
// from genesis, message after message, far lighter than the node's
// chain. The first message forks deeper than the tree would ever
// reorganise and is refused; the rest connect to nothing. Every one
// costs points, and not one header is kept.
func TestEndlessLowWorkFork(t *testing.T) {
	chain := chainOf(t, 300)
	v := newVictim(t, chain)
	fork := headersOn(testNet.Genesis.Hash(), 0, 20*50, 4)
	total := 0
	var reasons []string
	for i := 0; i < len(fork); i += 50 {
		got, why := points(v.send(&blocks.MsgHeaders{Headers: fork[i : i+50]}))
		total += got
		reasons = append(reasons, why...)
	}
	assert.Equal(t, 301, v.s.Footprint().Headers, "no header of the fork kept")
	assert.Equal(t, DeepForkPoints+UnconnectingPoints, total, "reasons %q", reasons)
	assert.Contains(t, reasons[0], ErrForkTooDeep.Error())
}

// TestSideHeaderBudget: a peer feeds forks near the tip, each lighter
// than the chain: they are kept (a reorganisation to them is possible)
// until the peer's MaxHeadersPerPeer budget is spent; then they are
// refused and it is scored, so its headers never grow past the bound.
func TestSideHeaderBudget(t *testing.T) {
	chain := chainOf(t, 200)
	v := newVictim(t, chain)
	forkAt := chain[149].Header // height 150
	const forkLen = 40          // 190 < 200: always lighter
	forks := DefaultMaxHeadersPerPeer/forkLen + 5
	total := 0
	for i := range forks {
		got, _ := points(v.send(&blocks.MsgHeaders{
			Headers: headersOn(forkAt.BlockHash(), 150, forkLen, uint32(100+i))}))
		total += got
	}
	assert.Equal(t, 201+DefaultMaxHeadersPerPeer, v.s.Footprint().Headers)
	assert.Equal(t, 5*TooManyHeadersPoint, total)
	assert.Equal(t, chain[199].Hash(), v.s.Headers().Best().Hash, "best unchanged")
}
