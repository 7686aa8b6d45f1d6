package transactions

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
)

// TestRelaySubmit: a transaction made here is Accepted from 0 or
// Refused with the mempool's reason; without a stem it is announced to
// every full peer after the trickle; with a stem it goes to the stem
// relay alone, and no one hears of it by broadcast before the embargo.
func TestRelaySubmit(t *testing.T) {
	full := []rtPeer{rtIn(1), rtOut(2), rtFeeler(3)}
	tests := []struct {
		name    string
		stem    *StemConfig
		peers   []rtPeer
		tx      *Tx
		wantErr error // Refused with it; nil: Accepted
		// wantStem is whom the transaction goes to along a stem at
		// once; wantAnnounced, whom it is announced to by the end of
		// the trickle.
		wantStem      simulation.PeerID
		wantAnnounced []simulation.PeerID
	}{
		{name: "no stem: announced to the full peers after the trickle", peers: full,
			tx: rtTx(0, 0, rtFee), wantAnnounced: []simulation.PeerID{1, 2}},
		{name: "a bad signature is refused", peers: full,
			tx: rtBadSig(0, 0), wantErr: ErrBadSignature},
		{name: "a skipped nonce is refused, not kept as an orphan", peers: full,
			tx: rtTx(0, 1, rtFee), wantErr: ErrNonceSkipped},
		{name: "a fee under the minimum rate is refused", peers: full,
			tx: rtTx(0, 0, 1), wantErr: ErrFeeTooLow},
		{name: "more than the sender has is refused", peers: full,
			tx: Transfer(rtChain, rtKeys[0], rtSink, rtFunds, rtFee, 0), wantErr: ErrInsufficient},
		{name: "a stem: to the outbound relay only, announced to no one", peers: full,
			stem: &StemConfig{}, tx: rtTx(0, 0, rtFee), wantStem: 2},
		{name: "a stem but no outbound peer: announced at once", peers: []rtPeer{rtIn(1), rtFeeler(3)},
			stem: &StemConfig{}, tx: rtTx(0, 0, rtFee), wantAnnounced: []simulation.PeerID{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRtRig(t, rtConfig(tt.stem), 1, tt.peers...)
			acts := r.submit(tt.tx)
			assert.Empty(t, rtAnnounced(acts), "nothing announced before the trickle")
			later := r.advance(rtTrickle)
			all := append(acts, later...)
			if tt.wantErr != nil {
				refused := rtEmitted[Refused](acts)
				if assert.Len(t, refused, 1) {
					assert.Equal(t, tt.tx.ID(), refused[0].ID)
					assert.ErrorIs(t, refused[0].Err, tt.wantErr)
				}
				assert.Empty(t, rtAccepted(all))
				assert.Empty(t, rtSends[wire.Message](all), "a refused transaction goes nowhere")
				assert.False(t, r.rl.Mempool().Has(tt.tx.ID()))
				assert.Zero(t, r.rl.orphans.len())
				return
			}
			assert.Empty(t, rtEmitted[Refused](all))
			assert.Equal(t, []rtAcc{{ID: tt.tx.ID().String()}}, rtAccepted(all), "Accepted once, from 0")
			assert.True(t, r.rl.Mempool().Has(tt.tx.ID()))
			wantStems := map[simulation.PeerID][]string{}
			if tt.wantStem != 0 {
				wantStems[tt.wantStem] = rtIDs(tt.tx)
			}
			assert.Equal(t, wantStems, rtStems(all))
			wantInv := map[simulation.PeerID][]string{}
			for _, p := range tt.wantAnnounced {
				wantInv[p] = rtIDs(tt.tx)
			}
			assert.Equal(t, wantInv, rtAnnounced(later))
			assert.Equal(t, tt.wantStem == 0, r.rl.Broadcast().Has(tt.tx.ID()),
				"broadcast only when not stemmed")
		})
	}
}

// TestRelayStemReceived: a transaction from a peer's stem is checked
// as any; a valid one is Accepted as a stem's and, by the coin, either
// broadcast here or passed to our stem relay, never back to its sender.
// An invalid one costs the sender InvalidTxPoints, a declined one
// nothing; one already known goes no further, silently.
func TestRelayStemReceived(t *testing.T) {
	peers := []rtPeer{rtOut(1), rtIn(2), rtIn(3)}
	tx := rtTx(0, 0, rtFee)
	tests := []struct {
		name  string
		stem  *StemConfig
		peers []rtPeer
		prep  func(r *rtRig) // before the stem comes
		from  simulation.PeerID
		tx    *Tx
		// wantAccepted: Accepted as a stem's; wantPoints: what the
		// sender is scored; wantSilent: the stem does nothing at all.
		wantAccepted  bool
		wantInPool    bool // after, though not Accepted now
		wantPoints    int
		wantSilent    bool
		wantStem      simulation.PeerID
		wantAnnounced []simulation.PeerID
	}{
		{name: "the coin fluffs: announced to every peer", stem: &StemConfig{Fluff: 1},
			peers: peers, from: 2, tx: tx, wantAccepted: true, wantAnnounced: []simulation.PeerID{1, 2, 3}},
		{name: "the coin passes it to our stem relay", stem: rtNoFluff(),
			peers: peers, from: 2, tx: tx, wantAccepted: true, wantStem: 1},
		{name: "our relay sent it: fluffed, never sent back", stem: rtNoFluff(),
			peers: peers, from: 1, tx: tx, wantAccepted: true, wantAnnounced: []simulation.PeerID{1, 2, 3}},
		{name: "no stem relay, only inbound peers: fluffed", stem: rtNoFluff(),
			peers: []rtPeer{rtIn(2), rtIn(3)}, from: 2, tx: tx, wantAccepted: true,
			wantAnnounced: []simulation.PeerID{2, 3}},
		{name: "no stem configured: fluffed", peers: peers, from: 2, tx: tx,
			wantAccepted: true, wantAnnounced: []simulation.PeerID{1, 2, 3}},
		{name: "a bad signature: the sender scored InvalidTxPoints", stem: rtNoFluff(),
			peers: peers, from: 2, tx: rtBadSig(0, 0), wantPoints: InvalidTxPoints},
		{name: "another chain's: the sender scored InvalidTxPoints", stem: rtNoFluff(),
			peers: peers, from: 2, tx: Transfer(wire.TestNet, rtKeys[0], rtSink, 10, rtFee, 0),
			wantPoints: InvalidTxPoints},
		{name: "a nonce reused: declined, nothing scored", stem: rtNoFluff(), peers: peers,
			prep: func(r *rtRig) {
				_, err := r.rl.State().Apply(rtTx(0, 0, rtFee))
				require.NoError(r.t, err)
			},
			from: 2, tx: rtTx(0, 0, 2*rtFee)},
		{name: "more than its sender has: declined, nothing scored", stem: rtNoFluff(), peers: peers,
			from: 2, tx: Transfer(rtChain, rtKeys[0], rtSink, rtFunds, rtFee, 0)},
		{name: "in the mempool already (a loop): dropped silently", stem: rtNoFluff(), peers: peers,
			prep: func(r *rtRig) { r.stem(3, tx); r.advance(time.Minute) },
			from: 2, tx: tx, wantSilent: true, wantInPool: true},
		{name: "broadcast already, then expired: dropped silently", stem: rtNoFluff(), peers: peers,
			prep: func(r *rtRig) {
				r.offer(3, tx)
				require.Len(r.t, rtDropped(r.advance(DefaultMaxAge + DefaultExpireInterval))["expired"], 1)
			},
			from: 2, tx: tx, wantSilent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRtRig(t, rtConfig(tt.stem), 1, tt.peers...)
			if tt.prep != nil {
				tt.prep(r)
			}
			acts := r.stem(tt.from, tt.tx)
			if tt.wantSilent {
				assert.Empty(t, acts)
			}
			all := append(acts, r.advance(rtTrickle)...)
			var wantAcc []rtAcc
			if tt.wantAccepted {
				wantAcc = []rtAcc{{ID: tt.tx.ID().String(), From: tt.from, Stem: true}}
			}
			assert.Equal(t, wantAcc, rtAccepted(all))
			assert.Equal(t, tt.wantAccepted || tt.wantInPool, r.rl.Mempool().Has(tt.tx.ID()))
			wantPoints := map[simulation.PeerID]int{}
			if tt.wantPoints != 0 {
				wantPoints[tt.from] = tt.wantPoints
			}
			assert.Equal(t, wantPoints, r.table.points)
			wantStems := map[simulation.PeerID][]string{}
			if tt.wantStem != 0 {
				wantStems[tt.wantStem] = rtIDs(tt.tx)
			}
			assert.Equal(t, wantStems, rtStems(all))
			wantInv := map[simulation.PeerID][]string{}
			for _, p := range tt.wantAnnounced {
				wantInv[p] = rtIDs(tt.tx)
			}
			assert.Equal(t, wantInv, rtAnnounced(all))
		})
	}
}

// TestRelayFluffFraction: over many seeded trials, the share of stem
// transactions a node broadcasts itself, rather than passing on, is
// Fluff, within three standard deviations.
func TestRelayFluffFraction(t *testing.T) {
	const trials = 1000
	tests := []struct {
		name  string
		fluff float64 // configured; 0: the default
		want  float64
	}{
		{name: "the default", want: DefaultFluff},
		{name: "one in two", fluff: 0.5, want: 0.5},
		{name: "nine in ten", fluff: 0.9, want: 0.9},
	}
	tx := rtTx(0, 0, rtFee)
	sigs := NewSigCache(0) // one check of tx's signature, not a thousand
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fluffed, mixed := 0, 0
			for seed := range uint64(trials) {
				cfg := rtConfig(&StemConfig{Fluff: tt.fluff})
				cfg.SigCache = sigs
				r := newRtRig(t, cfg, seed, rtOut(1), rtIn(2))
				acts := r.stem(2, tx)
				stemmed := len(rtStems(acts)[1]) == 1
				if !stemmed {
					fluffed++
				}
				if stemmed == r.rl.Broadcast().Has(tx.ID()) {
					mixed++ // both, or neither
				}
			}
			assert.Zero(t, mixed, "each trial either passes it on or broadcasts it")
			sigma := math.Sqrt(trials * tt.want * (1 - tt.want))
			assert.InDelta(t, trials*tt.want, float64(fluffed), 3*sigma,
				"%d of %d fluffed", fluffed, trials)
		})
	}
}

// TestRelayEmbargo: a transaction passed along a stem is broadcast by
// the node that passed it if it has not come back by broadcast when its
// embargo ends (somewhere in [Embargo/2, 3·Embargo/2)); one that came
// back, or left the mempool, is not.
func TestRelayEmbargo(t *testing.T) {
	tx := rtTx(0, 0, rtFee)
	better := rtTx(0, 0, 2*rtFee)
	all := []simulation.PeerID{1, 2, 3}
	tests := []struct {
		name string
		// start puts tx on the stem to peer 1; meanwhile, if set, is
		// what else happens before the embargo can end.
		start     func(r *rtRig) []simulation.Action
		meanwhile func(r *rtRig) []simulation.Action
		maxAge    time.Duration // the mempool's, and its expire interval

		// wantAccepted is every Accepted of the story; wantAnnounced,
		// every announcement after the embargo began.
		wantAccepted  []rtAcc
		wantAnnounced map[simulation.PeerID][]string
		wantDropped   map[string][]string
	}{
		{name: "a stem that does not come back is fluffed",
			start:         func(r *rtRig) []simulation.Action { return r.stem(2, tx) },
			wantAccepted:  []rtAcc{{ID: tx.ID().String(), From: 2, Stem: true}},
			wantAnnounced: rtEach(all, tx)},
		{name: "our own Submit's stem that does not come back is fluffed",
			start:         func(r *rtRig) []simulation.Action { return r.submit(tx) },
			wantAccepted:  []rtAcc{{ID: tx.ID().String()}},
			wantAnnounced: rtEach(all, tx)},
		{name: "a stem that comes back by broadcast: no Accepted again, no fluff of ours",
			start:     func(r *rtRig) []simulation.Action { return r.stem(2, tx) },
			meanwhile: func(r *rtRig) []simulation.Action { return r.offer(3, tx) },
			// The broadcast relays what came back, at once, to those
			// who did not send it: not our fluff.
			wantAccepted:  []rtAcc{{ID: tx.ID().String(), From: 2, Stem: true}},
			wantAnnounced: rtEach([]simulation.PeerID{1, 2}, tx)},
		{name: "a stem replaced meanwhile is not fluffed",
			start:     func(r *rtRig) []simulation.Action { return r.stem(2, tx) },
			meanwhile: func(r *rtRig) []simulation.Action { return r.offer(3, better) },
			wantAccepted: []rtAcc{{ID: tx.ID().String(), From: 2, Stem: true},
				{ID: better.ID().String(), From: 3}},
			wantAnnounced: rtEach([]simulation.PeerID{1, 2}, better),
			wantDropped:   map[string][]string{"replaced": rtIDs(tx)}},
		{name: "a stem expired meanwhile is not fluffed", maxAge: time.Second,
			start:         func(r *rtRig) []simulation.Action { return r.stem(2, tx) },
			wantAccepted:  []rtAcc{{ID: tx.ID().String(), From: 2, Stem: true}},
			wantAnnounced: map[simulation.PeerID][]string{},
			wantDropped:   map[string][]string{"expired": rtIDs(tx)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := rtConfig(rtNoFluff())
			cfg.Mempool.MaxAge, cfg.ExpireInterval = tt.maxAge, tt.maxAge
			r := newRtRig(t, cfg, 1, rtOut(1), rtIn(2), rtIn(3))
			acts := tt.start(r)
			require.Equal(t, map[simulation.PeerID][]string{1: rtIDs(tx)}, rtStems(acts))
			require.Contains(t, r.rl.stem, tx.ID())
			if tt.meanwhile != nil {
				acts = append(acts, tt.meanwhile(r)...)
			}
			early := r.advance(DefaultEmbargo/2 - time.Millisecond)
			acts = append(acts, early...)
			if tt.meanwhile == nil {
				assert.Empty(t, rtAnnounced(early),
					"nothing before the embargo's shortest wait")
			}
			acts = append(acts, r.advance(DefaultEmbargo+rtTrickle)...)
			acts = append(acts, r.advance(time.Minute)...)
			assert.Equal(t, tt.wantAccepted, rtAccepted(acts))
			assert.Equal(t, tt.wantAnnounced, rtAnnounced(acts))
			if tt.wantDropped == nil {
				tt.wantDropped = map[string][]string{}
			}
			assert.Equal(t, tt.wantDropped, rtDropped(acts))
			assert.Empty(t, rtEmitted[broadcast.Rejected](acts), "nothing published in vain")
			assert.Empty(t, r.rl.stem, "no embargo left")
			assert.Equal(t, map[simulation.PeerID][]string{1: rtIDs(tx)}, rtStems(acts),
				"the stem went once, to the relay")
		})
	}
}

// rtEach is the announcements of txs to each of peers.
func rtEach(peers []simulation.PeerID, txs ...*Tx) map[simulation.PeerID][]string {
	out := map[simulation.PeerID][]string{}
	for _, p := range peers {
		out[p] = rtIDs(txs...)
	}
	return out
}

// TestRelayEmbargoEach: each stem's embargo ends at its own due time,
// even when an earlier stem's, due later, has the timer set.
func TestRelayEmbargoEach(t *testing.T) {
	first, second := rtTx(0, 0, rtFee), rtTx(1, 0, rtFee)
	tests := []struct {
		name string
		gap  time.Duration // between the two stems
	}{
		{name: "a second stem right after the first", gap: time.Millisecond},
		{name: "a second stem a second after the first", gap: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The first seed whose second stem is due before the first.
			var r *rtRig
			for seed := uint64(0); seed < 100 && r == nil; seed++ {
				c := newRtRig(t, rtConfig(rtNoFluff()), seed, rtOut(1), rtIn(2))
				c.stem(2, first)
				c.advance(tt.gap)
				c.stem(2, second)
				// Far enough apart to tell the two fluffs apart.
				if c.rl.stem[first.ID()].due.Sub(c.rl.stem[second.ID()].due) > rtTrickle {
					r = c
				}
			}
			require.NotNil(t, r, "no seed of 100 has the second stem due first")
			due2 := r.rl.stem[second.ID()].due
			due1 := r.rl.stem[first.ID()].due
			acts := r.advance(due2.Sub(r.now) + rtTrickle)
			assert.Equal(t, rtEach([]simulation.PeerID{1, 2}, second), rtAnnounced(acts),
				"the second is fluffed at its own due, the first not yet")
			acts = r.advance(due1.Sub(r.now) + rtTrickle)
			assert.Equal(t, rtEach([]simulation.PeerID{1, 2}, first), rtAnnounced(acts))
			assert.Empty(t, r.rl.stem)
		})
	}
}

// TestRelayStemRelayChoice: the stem relay is always a peer we dialed
// and keep (never an inbound peer, a feeler or a seed's one-shot), so
// that a spy cannot make itself the relay by connecting to us.
func TestRelayStemRelayChoice(t *testing.T) {
	tests := []struct {
		name    string
		stem    *StemConfig
		peers   []rtPeer
		noTable bool                // no peer table: the events say who dialed
		want    []simulation.PeerID // candidates; empty: no relay
	}{
		{name: "the one outbound peer among others", stem: &StemConfig{},
			peers: []rtPeer{rtIn(1), rtFeeler(2), rtOut(3), rtOneShot(4), rtIn(5)},
			want:  []simulation.PeerID{3}},
		{name: "of several, the first outbound peer to connect, until the epoch",
			stem: &StemConfig{}, peers: []rtPeer{rtIn(1), rtOut(2), rtOut(3), rtOut(4)},
			want: []simulation.PeerID{2}},
		{name: "no outbound peer: no relay", stem: &StemConfig{},
			peers: []rtPeer{rtIn(1), rtFeeler(2), rtOneShot(3)}},
		{name: "no stem configured: no relay",
			peers: []rtPeer{rtOut(1), rtOut(2)}},
		{name: "no peer table: an inbound peer is never the relay", stem: &StemConfig{},
			peers: []rtPeer{rtIn(1), rtIn(2)}, noTable: true},
		{name: "no peer table: a peer we dialed is", stem: &StemConfig{},
			peers: []rtPeer{rtIn(1), rtOut(2), rtIn(3)}, noTable: true,
			want: []simulation.PeerID{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[simulation.PeerID]bool{}
			for seed := range uint64(50) {
				r := newRtRig(t, rtConfig(tt.stem), seed)
				if tt.noTable {
					r.rl.SetScorer(nil)
				}
				for _, p := range tt.peers {
					r.connect(p)
				}
				got := r.rl.StemRelay()
				if len(tt.want) == 0 {
					require.Zero(t, got, "seed %d", seed)
					continue
				}
				require.Contains(t, tt.want, got, "seed %d", seed)
				seen[got] = true
			}
			for _, p := range tt.want {
				assert.True(t, seen[p], "peer %d never chosen in 50 seeds", p)
			}
		})
	}
}

// TestRelayStemRelayRepicked: the stem relay is chosen again when it
// disconnects (from the outbound peers left, none if none), and at each
// epoch; between epochs it stays.
func TestRelayStemRelayRepicked(t *testing.T) {
	epoch := 10 * time.Minute
	tests := []struct {
		name  string
		peers []rtPeer
		story func(t *testing.T, r *rtRig)
	}{
		{name: "the relay leaves: another outbound peer, then none",
			peers: []rtPeer{rtOut(1), rtOut(2), rtIn(3)},
			story: func(t *testing.T, r *rtRig) {
				first := r.rl.StemRelay()
				require.Contains(t, []simulation.PeerID{1, 2}, first)
				r.disconnect(first)
				other := 3 - first
				assert.Equal(t, other, r.rl.StemRelay())
				r.disconnect(other)
				assert.Zero(t, r.rl.StemRelay(), "the inbound peer left is never chosen")
				r.connect(rtOut(4))
				assert.Equal(t, simulation.PeerID(4), r.rl.StemRelay(), "a new outbound peer is")
			}},
		{name: "another peer leaves: the relay stays",
			peers: []rtPeer{rtOut(1), rtOut(2), rtOut(3), rtIn(4)},
			story: func(t *testing.T, r *rtRig) {
				first := r.rl.StemRelay()
				for _, p := range []simulation.PeerID{1, 2, 3, 4} {
					if p != first {
						r.disconnect(p)
						assert.Equal(t, first, r.rl.StemRelay())
					}
				}
			}},
		{name: "each epoch, a new draw among the outbound peers",
			peers: []rtPeer{rtOut(1), rtOut(2), rtOut(3), rtOut(4), rtIn(5)},
			story: func(t *testing.T, r *rtRig) {
				picks := map[simulation.PeerID]bool{}
				for range 12 {
					at := r.rl.StemRelay()
					picks[at] = true
					r.advance(epoch - time.Millisecond)
					assert.Equal(t, at, r.rl.StemRelay(), "kept within an epoch")
					r.advance(time.Millisecond)
				}
				assert.NotContains(t, picks, simulation.PeerID(5))
				assert.Greater(t, len(picks), 1, "12 epochs, always the same relay")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRtRig(t, rtConfig(&StemConfig{Epoch: epoch}), 3, tt.peers...)
			tt.story(t, r)
		})
	}
}

// rtHow is how a story hands the relay a transaction.
type rtHow int

const (
	rtBySubmit    rtHow = iota // from our wallet
	rtByStem                   // a MsgTx from a peer
	rtByBroadcast              // announced by a peer, then fetched
)

// rtStep is one transaction handed to the relay.
type rtStep struct {
	how  rtHow
	from simulation.PeerID // unused by rtBySubmit
	tx   *Tx
}

// do hands the relay the step's transaction.
func (r *rtRig) do(s rtStep) []simulation.Action {
	switch s.how {
	case rtByStem:
		return r.stem(s.from, s.tx)
	case rtByBroadcast:
		return r.offer(s.from, s.tx)
	}
	return r.submit(s.tx)
}

// TestRelayOrphans: a valid transaction whose nonce is past its
// sender's next is kept, by whatever way it came, with no blame; when
// its predecessor arrives it is adopted (Accepted, from the peer that
// sent it) and announced. Of two orphans with one nonce, the first
// stays.
func TestRelayOrphans(t *testing.T) {
	tx0, tx1, tx2 := rtTx(0, 0, rtFee), rtTx(0, 1, rtFee), rtTx(0, 2, rtFee)
	rival := rtTx(0, 1, 3*rtFee)
	tests := []struct {
		name     string
		orphans  []rtStep // each kept, not Accepted
		then     rtStep   // the predecessor
		wantKept int      // orphans before the predecessor
		wantAcc  []rtAcc
		wantInv  map[simulation.PeerID][]string // after the predecessor
		wantPool []*Tx
		wantGone []*Tx // never in the mempool
	}{
		{name: "by broadcast, then its predecessor by broadcast",
			orphans: []rtStep{{rtByBroadcast, 1, tx1}}, wantKept: 1,
			then:    rtStep{rtByBroadcast, 2, tx0},
			wantAcc: []rtAcc{{ID: tx0.ID().String(), From: 2}, {ID: tx1.ID().String(), From: 1}},
			// Each peer knows what it sent.
			wantInv:  map[simulation.PeerID][]string{1: rtIDs(tx0), 2: rtIDs(tx1), 3: rtIDs(tx0, tx1)},
			wantPool: []*Tx{tx0, tx1}},
		{name: "along a stem, then its predecessor submitted",
			orphans: []rtStep{{rtByStem, 2, tx1}}, wantKept: 1,
			then:     rtStep{rtBySubmit, 0, tx0},
			wantAcc:  []rtAcc{{ID: tx0.ID().String()}, {ID: tx1.ID().String(), From: 2}},
			wantInv:  rtEach([]simulation.PeerID{1, 2, 3}, tx0, tx1),
			wantPool: []*Tx{tx0, tx1}},
		{name: "by broadcast, then its predecessor along a stem",
			orphans: []rtStep{{rtByBroadcast, 1, tx1}}, wantKept: 1,
			then:     rtStep{rtByStem, 2, tx0},
			wantAcc:  []rtAcc{{ID: tx0.ID().String(), From: 2, Stem: true}, {ID: tx1.ID().String(), From: 1}},
			wantInv:  map[simulation.PeerID][]string{1: rtIDs(tx0), 2: rtIDs(tx0, tx1), 3: rtIDs(tx0, tx1)},
			wantPool: []*Tx{tx0, tx1}},
		{name: "a chain of two orphans, adopted in order",
			orphans: []rtStep{{rtByStem, 3, tx2}, {rtByBroadcast, 1, tx1}}, wantKept: 2,
			then:    rtStep{rtBySubmit, 0, tx0},
			wantAcc: []rtAcc{{ID: tx0.ID().String()}, {ID: tx1.ID().String(), From: 1}, {ID: tx2.ID().String(), From: 3}},
			wantInv: map[simulation.PeerID][]string{1: rtIDs(tx0, tx2), 2: rtIDs(tx0, tx1, tx2),
				3: rtIDs(tx0, tx1, tx2)},
			wantPool: []*Tx{tx0, tx1, tx2}},
		{name: "two orphans of one nonce: the first stays",
			orphans: []rtStep{{rtByStem, 2, tx1}, {rtByStem, 3, rival}}, wantKept: 1,
			then:     rtStep{rtBySubmit, 0, tx0},
			wantAcc:  []rtAcc{{ID: tx0.ID().String()}, {ID: tx1.ID().String(), From: 2}},
			wantInv:  rtEach([]simulation.PeerID{1, 2, 3}, tx0, tx1),
			wantPool: []*Tx{tx0, tx1}, wantGone: []*Tx{rival}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRtRig(t, rtConfig(nil), 1, rtOut(1), rtIn(2), rtIn(3))
			for i, s := range tt.orphans {
				acts := r.do(s)
				acts = append(acts, r.advance(10*time.Second)...)
				assert.Empty(t, rtAccepted(acts), "orphan %d", i)
				assert.Empty(t, rtAnnounced(acts), "orphan %d is not relayed", i)
				assert.Empty(t, rtSends[*broadcast.MsgGetData](acts)[2],
					"nobody else asked for orphan %d", i)
			}
			assert.Equal(t, tt.wantKept, r.rl.orphans.len())
			assert.Zero(t, r.rl.Mempool().Len())
			acts := r.do(tt.then)
			assert.Equal(t, tt.wantAcc, rtAccepted(acts))
			later := r.advance(rtTrickle)
			assert.Equal(t, tt.wantInv, rtAnnounced(later))
			assert.Empty(t, r.table.points, "an orphan costs no one anything")
			assert.Zero(t, r.rl.orphans.len(), "adopted")
			for _, tx := range tt.wantPool {
				assert.True(t, r.rl.Mempool().Has(tx.ID()), "pool has %s", tx.ID())
			}
			for _, tx := range tt.wantGone {
				assert.False(t, r.rl.Mempool().Has(tx.ID()), "pool has %s", tx.ID())
			}
		})
	}
}

// TestRelayDropped: what leaves the mempool unmined is emitted as
// Dropped, with why: a replacement, by whatever way it came; an
// eviction by a better-paying transaction; the expire timer, once a
// transaction has waited MaxAge.
func TestRelayDropped(t *testing.T) {
	low, bump := rtTx(0, 0, rtFee), rtTx(0, 0, 2*rtFee)
	rich := rtTx(1, 0, 5*rtFee)
	tests := []struct {
		name     string
		mempool  MempoolConfig
		steps    []rtStep
		wait     time.Duration    // after the steps
		quiet    time.Duration    // the part of wait with no Dropped yet
		want     map[string][]*Tx // Dropped, by why
		wantPool []*Tx            // what the mempool holds at the end
	}{
		{name: "replaced by a Submit",
			steps: []rtStep{{rtBySubmit, 0, low}, {rtBySubmit, 0, bump}},
			want:  map[string][]*Tx{"replaced": {low}}, wantPool: []*Tx{bump}},
		{name: "replaced along a stem",
			steps: []rtStep{{rtBySubmit, 0, low}, {rtByStem, 2, bump}},
			want:  map[string][]*Tx{"replaced": {low}}, wantPool: []*Tx{bump}},
		{name: "replaced by broadcast",
			steps: []rtStep{{rtByBroadcast, 1, low}, {rtByBroadcast, 2, bump}},
			want:  map[string][]*Tx{"replaced": {low}}, wantPool: []*Tx{bump}},
		{name: "evicted by a better-paying Submit", mempool: MempoolConfig{MaxCount: 1},
			steps: []rtStep{{rtBySubmit, 0, low}, {rtBySubmit, 0, rich}},
			want:  map[string][]*Tx{"evicted": {low}}, wantPool: []*Tx{rich}},
		{name: "evicted by a better-paying broadcast", mempool: MempoolConfig{MaxCount: 1},
			steps: []rtStep{{rtBySubmit, 0, low}, {rtByBroadcast, 1, rich}},
			want:  map[string][]*Tx{"evicted": {low}}, wantPool: []*Tx{rich}},
		{name: "evicted by a better-paying stem", mempool: MempoolConfig{MaxCount: 1},
			steps: []rtStep{{rtByBroadcast, 1, low}, {rtByStem, 2, rich}},
			want:  map[string][]*Tx{"evicted": {low}}, wantPool: []*Tx{rich}},
		{name: "expired once MaxAge has passed", mempool: MempoolConfig{MaxAge: 2 * time.Minute},
			steps: []rtStep{{rtBySubmit, 0, low}},
			wait:  2 * time.Minute, quiet: 2*time.Minute - time.Millisecond,
			want: map[string][]*Tx{"expired": {low}}},
		{name: "a transaction and its sender's later ones expire together",
			mempool: MempoolConfig{MaxAge: 3 * time.Minute},
			steps:   []rtStep{{rtBySubmit, 0, low}, {rtByStem, 2, rtTx(0, 1, rtFee)}},
			wait:    3 * time.Minute, quiet: 3*time.Minute - time.Millisecond,
			want: map[string][]*Tx{"expired": {low, rtTx(0, 1, rtFee)}}},
		{name: "evicted by an orphan adopted", mempool: MempoolConfig{MaxCount: 2},
			steps: []rtStep{{rtBySubmit, 0, rtTx(1, 0, rtFee)}, {rtByStem, 2, rtTx(0, 1, 5*rtFee)},
				{rtBySubmit, 0, rtTx(0, 0, 5*rtFee)}},
			want:     map[string][]*Tx{"evicted": {rtTx(1, 0, rtFee)}},
			wantPool: []*Tx{rtTx(0, 0, 5*rtFee), rtTx(0, 1, 5*rtFee)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := rtConfig(nil)
			cfg.Mempool = tt.mempool
			r := newRtRig(t, cfg, 1, rtOut(1), rtIn(2))
			var acts []simulation.Action
			for _, s := range tt.steps {
				acts = append(acts, r.do(s)...)
			}
			if tt.quiet > 0 {
				quiet := r.advance(tt.quiet)
				assert.Empty(t, rtDropped(quiet), "nothing dropped before MaxAge")
				acts = append(acts, quiet...)
			}
			acts = append(acts, r.advance(tt.wait-tt.quiet)...)
			want := map[string][]string{}
			for why, txs := range tt.want {
				want[why] = rtIDs(txs...)
			}
			assert.Equal(t, want, rtDropped(acts))
			var pool []string
			for _, q := range r.rl.Mempool().Queues() {
				pool = append(pool, rtIDs(q...)...)
			}
			assert.ElementsMatch(t, rtIDs(tt.wantPool...), pool)
			assert.Len(t, rtAccepted(acts), len(tt.steps), "every step Accepted, at last")
		})
	}
}

// TestRelaySeenStaysOut: a transaction the broadcast has seen, and the
// mempool has since dropped, stays out of the mempool when a peer sends
// it again, by whatever way: the broadcast takes it no further, so the
// mempool must not hold it unannounced.
func TestRelaySeenStaysOut(t *testing.T) {
	tx := rtTx(0, 0, rtFee)
	tests := []struct {
		name  string
		again func(r *rtRig) []simulation.Action
	}{
		{name: "pushed again by broadcast", again: func(r *rtRig) []simulation.Action {
			return r.recv(2, &broadcast.MsgItems{Items: []broadcast.Item{rtItem(r.t, tx)}})
		}},
		{name: "announced again by broadcast", again: func(r *rtRig) []simulation.Action {
			return r.recv(2, &broadcast.MsgInv{List: []broadcast.InvVect{{Type: TxItem, ID: tx.ID()}}})
		}},
		{name: "passed again along a stem", again: func(r *rtRig) []simulation.Action {
			return r.stem(2, tx)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := rtConfig(nil)
			cfg.Mempool.MaxAge = time.Minute
			r := newRtRig(t, cfg, 1, rtOut(1), rtIn(2))
			r.offer(1, tx)
			require.Equal(t, map[string][]string{"expired": rtIDs(tx)},
				rtDropped(r.advance(time.Minute)))
			acts := tt.again(r)
			acts = append(acts, r.advance(10*time.Second)...)
			assert.False(t, r.rl.Mempool().Has(tx.ID()))
			assert.Empty(t, rtAccepted(acts))
			assert.Empty(t, rtSends[wire.Message](acts), "nothing sent of it")
			assert.Empty(t, r.table.points)
		})
	}
}

// TestNewRelayRefuses: a config that cannot work is refused, with an
// error that names what is wrong.
func TestNewRelayRefuses(t *testing.T) {
	withStem := func(s StemConfig) RelayConfig { return rtConfig(&s) }
	tests := []struct {
		name     string
		cfg      RelayConfig
		noRand   bool
		wantErr  error
		wantText string
	}{
		{name: "no random source", cfg: rtConfig(nil), noRand: true,
			wantErr: ErrRelay, wantText: "random source"},
		{name: "a state of another chain",
			cfg:     RelayConfig{Chain: rtChain, State: NewState(wire.TestNet, nil)},
			wantErr: ErrRelay, wantText: "state of peerchain test for a relay of peerchain devnet"},
		{name: "a negative ExpireInterval",
			cfg:     RelayConfig{Chain: rtChain, ExpireInterval: -time.Second},
			wantErr: ErrRelay, wantText: "ExpireInterval -1s"},
		{name: "a negative Fluff", cfg: withStem(StemConfig{Fluff: -0.1}),
			wantErr: ErrRelay, wantText: "Fluff:-0.1"},
		{name: "a Fluff over 1", cfg: withStem(StemConfig{Fluff: 1.5}),
			wantErr: ErrRelay, wantText: "Fluff:1.5"},
		{name: "a negative Embargo", cfg: withStem(StemConfig{Embargo: -time.Second}),
			wantErr: ErrRelay, wantText: "Embargo:-1s"},
		{name: "a negative Epoch", cfg: withStem(StemConfig{Epoch: -time.Minute}),
			wantErr: ErrRelay, wantText: "Epoch:-1m0s"},
		{name: "a negative mempool MaxAge",
			cfg:     RelayConfig{Chain: rtChain, Mempool: MempoolConfig{MaxAge: -time.Second}},
			wantErr: ErrMempool, wantText: "MaxAge -1s"},
		{name: "a negative broadcast RequestTimeout",
			cfg: RelayConfig{Chain: rtChain, Broadcast: broadcast.Config{
				Policy: broadcast.FloodPolicy{}, RequestTimeout: -time.Second}},
			wantErr: broadcast.ErrConfig, wantText: "RequestTimeout -1s"},
		{name: "a broadcast type with the transactions' code",
			cfg: RelayConfig{Chain: rtChain, Broadcast: broadcast.Config{
				Types: []broadcast.ItemType{broadcast.Blob}}},
			wantErr: broadcast.ErrItemTypes, wantText: "code 1 twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			if tt.noRand {
				r = nil
			}
			rl, err := NewRelay(tt.cfg, r)
			assert.Nil(t, rl)
			assert.ErrorIs(t, err, tt.wantErr)
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), tt.wantText)
			}
		})
	}
}

// TestNewRelayDefaults: zero values take the documented defaults,
// bounds are inclusive, and the caller's StemConfig is not written to.
func TestNewRelayDefaults(t *testing.T) {
	tests := []struct {
		name     string
		stem     *StemConfig
		wantStem *StemConfig
	}{
		{name: "no stem stays none"},
		{name: "a zero stem takes every default", stem: &StemConfig{},
			wantStem: &StemConfig{Fluff: DefaultFluff, Embargo: DefaultEmbargo, Epoch: DefaultEpoch}},
		{name: "Fluff 1 is allowed, and kept", stem: &StemConfig{Fluff: 1, Embargo: time.Second},
			wantStem: &StemConfig{Fluff: 1, Embargo: time.Second, Epoch: DefaultEpoch}},
		{name: "given values kept", stem: &StemConfig{Fluff: 0.3, Embargo: 2 * time.Second, Epoch: time.Hour},
			wantStem: &StemConfig{Fluff: 0.3, Embargo: 2 * time.Second, Epoch: time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before StemConfig
			if tt.stem != nil {
				before = *tt.stem
			}
			rl, err := NewRelay(RelayConfig{Chain: rtChain, Stem: tt.stem}, rand.New(rand.NewPCG(1, 2)))
			require.NoError(t, err)
			assert.Equal(t, tt.wantStem, rl.cfg.Stem)
			if tt.stem != nil {
				assert.Equal(t, before, *tt.stem, "the caller's config untouched")
			}
			assert.Equal(t, DefaultExpireInterval, rl.cfg.ExpireInterval)
			assert.Equal(t, broadcast.AnnouncePolicy{Delay: DefaultAnnounceDelay}, rl.cfg.Broadcast.Policy)
			assert.Equal(t, rtChain, rl.State().Chain(), "an empty state of the relay's chain")
			assert.Zero(t, rl.State().Len())
			assert.Same(t, rl.cfg.SigCache, rl.cfg.Mempool.SigCache, "one signature cache")
			assert.Zero(t, rl.StemRelay())
		})
	}
}

// TestRelayCommands: the relay owns "tx" and the broadcast's commands,
// and its Registry decodes every one of them, MsgTx included.
func TestRelayCommands(t *testing.T) {
	rl, err := NewRelay(rtConfig(nil), rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	reg, err := Registry()
	require.NoError(t, err)
	assert.Equal(t, Name, rl.Name())
	cmds := rl.Commands()
	tests := []struct {
		name string
		cmd  string
	}{
		{name: "the stem's", cmd: CmdTx},
		{name: "the announcement", cmd: broadcast.CmdInv},
		{name: "the fetch", cmd: broadcast.CmdGetData},
		{name: "the refusal", cmd: broadcast.CmdNotFound},
		{name: "the items", cmd: broadcast.CmdItems},
		{name: "the prune", cmd: broadcast.CmdPrune},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, cmds, tt.cmd)
			m, err := reg.New(tt.cmd)
			if assert.NoError(t, err) {
				assert.Equal(t, tt.cmd, m.Command())
			}
		})
	}
	assert.Len(t, cmds, len(tests), "no command twice, none other")
	for _, cmd := range rl.Broadcast().Commands() {
		assert.Contains(t, cmds, cmd)
	}

	tx := rtTx(0, 0, rtFee)
	var buf bytes.Buffer
	_, err = wire.WriteMessage(&buf, rtChain, &MsgTx{Tx: *tx})
	require.NoError(t, err)
	msg, _, err := wire.ReadMessage(&buf, rtChain, reg)
	require.NoError(t, err)
	got, ok := msg.(*MsgTx)
	require.True(t, ok, "a %T", msg)
	assert.Equal(t, tx.ID(), got.Tx.ID())
	assert.True(t, slices.Equal(tx.Sig, got.Tx.Sig))
}
