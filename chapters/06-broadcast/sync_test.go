package broadcast

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

// syncing is the default config with the periodic inventory on.
func syncing() Config {
	cfg := fetching(DefaultLazyWait)
	cfg.NoSync = false
	return cfg
}

// toNextSync runs the rig to just after its next sync tick.
func (r *rig) toNextSync() []simulation.Action {
	r.t.Helper()
	at, ok := r.timers[timerSync]
	require.True(r.t, ok, "a sync tick is set")
	return r.advance(at.Sub(r.now))
}

// TestCatchUpOnConnect: a peer that connects is sent, at once, an
// inventory of every item of the last SyncWindow, the newest too: it
// has seen none of them.
func TestCatchUpOnConnect(t *testing.T) {
	cfg := syncing()
	cfg.SyncInterval = time.Hour // only the catch-up
	r := newRig(t, cfg)
	r.publish(blob(0)) // too old, by the time peer 1 connects
	r.advance(25 * time.Second)
	r.publish(blob(1), blob(2))
	r.advance(10 * time.Second)
	r.publish(blob(3))
	r.advance(time.Second)
	r.publish(blob(4)) // just now
	require.Less(t, 36*time.Second-25*time.Second, DefaultSyncWindow)

	acts := r.handle(simulation.PeerConnected{Peer: 1})
	invs := sendsOf[*MsgInv](acts)[1]
	require.Len(t, invs, 1)
	assert.Equal(t, invOf(blobs(1, 5)...), invs[0].List)
	assert.Equal(t, 1, sendCount(acts))

	t.Run("nothing held: nothing sent", func(t *testing.T) {
		r := newRig(t, cfg)
		assert.Zero(t, sendCount(r.handle(simulation.PeerConnected{Peer: 1})))
	})
	t.Run("NoSync: nothing sent", func(t *testing.T) {
		r := newRig(t, fetching(DefaultLazyWait))
		r.publish(blob(1))
		r.advance(2 * time.Second)
		assert.Zero(t, sendCount(r.handle(simulation.PeerConnected{Peer: 1})))
	})
}

// TestSyncLeavesOutWhatPeerSent: the periodic inventory does not tell
// a peer of items it sent or announced to us.
func TestSyncLeavesOutWhatPeerSent(t *testing.T) {
	r := newRig(t, syncing(), 1)
	r.recv(1, &MsgItems{Items: []Item{blob(1)}})
	r.recv(1, &MsgInv{List: invOf(blob(2))})
	r.recv(1, &MsgItems{Items: []Item{blob(2)}})
	r.publish(blob(3))
	acts := r.advance(5 * DefaultSyncInterval)
	assert.Equal(t, idsOf(blob(3)), toldOf(acts, 1), "peer 1, the only one, is told of blob 3 once")
}

// timed is what a rig did, and when.
type timed struct {
	at   time.Time
	acts []simulation.Action
}

// stepFor runs the rig for d in steps of 10 ms, noting when each
// action came.
func (r *rig) stepFor(d time.Duration) []timed {
	var out []timed
	for end := r.now.Add(d); r.now.Before(end); {
		if acts := r.advance(10 * time.Millisecond); len(acts) > 0 {
			out = append(out, timed{at: r.now, acts: acts})
		}
	}
	return out
}

// TestPeriodicSync: about every SyncInterval one peer is sent an
// inventory of the items of the last SyncWindow, but those newer than
// SyncSettle, still on their way; when nothing new has come, none.
// With NoSync, none ever is.
func TestPeriodicSync(t *testing.T) {
	tests := []struct {
		name   string
		noSync bool
	}{
		{name: "on"},
		{name: "off", noSync: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Announcements wait an hour: every inv is an inventory.
			cfg := Config{Policy: AnnouncePolicy{Delay: time.Hour}, NoPrune: true, NoSync: tt.noSync}
			r := newRig(t, cfg, 1, 2)
			published := map[ID]time.Time{}
			invs := 0
			check := func(steps []timed) {
				for _, s := range steps {
					for _, p := range []simulation.PeerID{1, 2} {
						for _, m := range sendsOf[*MsgInv](s.acts)[p] {
							invs++
							require.NotEmpty(t, m.List, "an empty inventory is not sent")
							for _, v := range m.List {
								assert.GreaterOrEqual(t, s.at.Sub(published[v.ID]), DefaultSyncSettle,
									"%s is still on its way", v.ID)
							}
						}
					}
				}
			}
			for i := range 20 {
				r.publish(blob(i))
				published[blob(i).ID] = r.now
				check(r.stepFor(500 * time.Millisecond))
			}
			if tt.noSync {
				check(r.stepFor(10 * time.Second))
				assert.Zero(t, invs)
				return
			}
			// Intervals are drawn from [0.5, 1.5) of the mean.
			assert.GreaterOrEqual(t, invs, 6)
			assert.LessOrEqual(t, invs, 20)

			// The last items settle and are told; then nothing is new.
			check(r.stepFor(10 * time.Second))
			invs = 0
			check(r.stepFor(10 * time.Second))
			assert.Zero(t, invs, "nothing new: no inventory")
		})
	}
}

// TestSyncAfterCatchUpOnlyWhenNew: the catch-up a new peer is sent is
// the last inventory it got: the periodic one does not repeat it while
// nothing new comes.
func TestSyncAfterCatchUpOnlyWhenNew(t *testing.T) {
	r := newRig(t, syncing())
	r.publish(blobs(0, 3)...)
	r.advance(2 * DefaultSyncSettle)
	acts := r.handle(simulation.PeerConnected{Peer: 1})
	require.Equal(t, idsOf(blobs(0, 3)...), toldOf(acts, 1), "the catch-up")
	acts = r.advance(10 * DefaultSyncInterval)
	assert.Empty(t, toldOf(acts, 1), "told again of what it was told")
}

// TestInventoryRidesOrGoesAlone: a peer whose inventory is due gets it
// on the next push to it, in the same message; with no push before the
// next sync tick, it goes alone then. One too long to ride goes alone
// beside the push.
func TestInventoryRidesOrGoesAlone(t *testing.T) {
	tests := []struct {
		name  string
		items []Item // the inventory's
		rides bool
	}{
		{name: "rides", items: blobs(0, 2), rides: true},
		{name: "over MaxRiders: beside the push", items: blobs(0, MaxRiders+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := syncing()
			cfg.SyncInterval = 4 * time.Second // ticks 2 to 6 s apart
			r := newRig(t, cfg, 1)             // one peer: marked at every tick
			r.toNextSync()
			r.publish(tt.items...) // pushed at once, each
			acts := r.toNextSync()
			require.Empty(t, toldOf(acts, 1), "the items' push took the inventory's turn")
			require.True(t, r.p.peers[1].syncDue)

			z := blob(5000)
			acts = r.publish(z) // the next push
			items := sendsOf[*MsgItems](acts)[1]
			require.Len(t, items, 1)
			assert.Equal(t, []Item{z}, items[0].Items)
			if tt.rides {
				assert.Equal(t, short(idsOf(tt.items...)), short(invIDs(items[0].Inv)), "the inventory rides")
				assert.Empty(t, sendsOf[*MsgInv](acts)[1])
			} else {
				assert.Empty(t, items[0].Inv)
				invs := sendsOf[*MsgInv](acts)[1]
				require.Len(t, invs, 1, "alone, beside the push")
				assert.Equal(t, short(idsOf(tt.items...)), short(invIDs(invs[0].List)))
			}
			assert.False(t, r.p.peers[1].syncDue, "sent")

			// No push before the next tick: the next inventory, now
			// that z is new, goes alone at the tick after. It names
			// what the window holds, z too.
			acts = r.toNextSync()
			assert.Empty(t, toldOf(acts, 1), "nothing due at this tick")
			acts = r.toNextSync()
			invs := sendsOf[*MsgInv](acts)[1]
			require.Len(t, invs, 1, "alone, at the next tick")
			assert.Equal(t, short(idsOf(append(tt.items, z)...)), short(invIDs(invs[0].List)))
			assert.Empty(t, sendsOf[*MsgItems](acts)[1])
		})
	}
}

// TestCatchUpAfterSilence: a peer heard from again after more than
// SyncSilence of silence may have been cut off: it is sent, at once,
// every item since it was last heard from (less SyncSettle), however
// long ago that was.
func TestCatchUpAfterSilence(t *testing.T) {
	tests := []struct {
		name    string
		silence time.Duration
		noSync  bool
		want    []Item
	}{
		{name: "a short silence", silence: DefaultSyncSilence},
		{name: "just over SyncSilence", silence: DefaultSyncSilence + time.Millisecond,
			want: []Item{blob(2), blob(3)}},
		{name: "a minute: longer than the sync window", silence: time.Minute,
			want: []Item{blob(2), blob(3)}},
		{name: "NoSync", silence: time.Minute, noSync: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := syncing()
			cfg.NoSync = tt.noSync
			cfg.SyncInterval = 2 * time.Hour // no periodic inventory
			r := newRig(t, cfg)
			r.publish(blob(0))
			r.advance(10 * time.Second)
			r.publish(blob(1)) // heard - 1.5 s: before the settle
			r.advance(time.Second)
			r.publish(blob(2)) // heard - 0.5 s: within it
			r.advance(500 * time.Millisecond)
			r.handle(simulation.PeerConnected{Peer: 1}) // heard from now
			r.advance(tt.silence / 2)
			r.publish(blob(3))
			r.advance(tt.silence - tt.silence/2)

			acts := r.recv(1, &MsgInv{})
			invs := sendsOf[*MsgInv](acts)[1]
			if tt.want == nil {
				assert.Empty(t, invs)
				return
			}
			require.Len(t, invs, 1)
			assert.Equal(t, invOf(tt.want...), invs[0].List)
			assert.Empty(t, sendsOf[*MsgInv](r.recv(1, &MsgInv{}))[1], "heard from again: no silence")
		})
	}
}
