package transactions

import (
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
)

// scChain is the network of the scenario tests.
var scChain = wire.DevNet

// scPoolIDs is a mempool's transactions' IDs, sorted.
func scPoolIDs(m *Mempool) []broadcast.ID {
	var ids []broadcast.ID
	for _, q := range m.Queues() {
		for _, tx := range q {
			ids = append(ids, tx.ID())
		}
	}
	slices.SortFunc(ids, compareID)
	return ids
}

// scEqualPools says whether every node's mempool holds want, and if
// not, which node differs first.
func scEqualPools(s *SimNet, want []broadcast.ID) (int, bool) {
	for i, rl := range s.Relays {
		if !slices.Equal(scPoolIDs(rl.Mempool()), want) {
			return i, false
		}
	}
	return -1, true
}

// scRunUntil runs the network until every mempool holds want, or for
// at most limit of simulated time.
func scRunUntil(t *testing.T, s *SimNet, want []broadcast.ID, limit time.Duration) {
	t.Helper()
	for waited := time.Duration(0); waited < limit; waited += time.Second {
		if _, ok := scEqualPools(s, want); ok {
			return
		}
		require.NoError(t, s.Net.RunFor(time.Second))
	}
	node, _ := scEqualPools(s, want)
	require.Failf(t, "mempools differ", "node %d holds %d transactions, want %d, after %v",
		node, s.Relays[max(node, 0)].Mempool().Len(), len(want), limit)
}

// scFullSize says whether the scenarios run at the size: 100
// nodes and 1,000 transactions take some 8 s of CPU a run, too long for
// a learner's go test ./...; .ci/run sets PEERCHAIN_LONG_TESTS=1. The
// learner's run has the same story at a third of the size.
func scFullSize() bool { return os.Getenv("PEERCHAIN_LONG_TESTS") == "1" }

// TestRelayEveryMempoolEqual is the scenario: 100 nodes, 1,000
// transactions submitted at random nodes, a sender's next nonce at
// another node 5 s after the one before, and every mempool ends with
// all of them.
func TestRelayEveryMempoolEqual(t *testing.T) {
	tests := []struct {
		name string
		stem *StemConfig
	}{
		{name: "broadcast"},
		{name: "stem then broadcast", stem: &StemConfig{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes, txs := 30, 300
			if scFullSize() {
				nodes, txs = 100, 1000
			}
			t.Logf("%d nodes, %d transactions", nodes, txs)
			keys, genesis := Wallets(txs/4, 1, 1_000_000)
			s, err := NewSimNet(SimConfig{Nodes: nodes, Seed: 3, Genesis: genesis,
				Relay: RelayConfig{Chain: scChain, Stem: tt.stem}})
			require.NoError(t, err)
			r := rand.New(rand.NewPCG(4, 5))
			var want []broadcast.ID
			for i := range txs {
				k := keys[i%len(keys)]
				tx := Transfer(scChain, k, keys[r.IntN(len(keys))].Address(),
					uint64(1+r.IntN(100)), uint64(200+r.IntN(100)), uint64(i/len(keys)))
				want = append(want, tx.ID())
				// A wallet submits where its last transfer has come.
				node := r.IntN(nodes)
				for tries := 0; s.Relays[node].Mempool().NextNonce(k.Address()) != tx.Nonce; tries++ {
					require.Less(t, tries, 10*nodes, "no node has transfer %d's predecessor", i)
					node = r.IntN(nodes)
				}
				require.NoError(t, s.Submit(simulation.NodeID(node), tx))
				require.NoError(t, s.Net.RunFor(20*time.Millisecond))
			}
			slices.SortFunc(want, compareID)
			scRunUntil(t, s, want, 60*time.Second)
		})
	}
}

// TestRelayConflictingSpends sends two spends of one sender's nonce
// into the network at once, at two far-apart nodes: the one that pays
// the replacement bump ends in every mempool, whichever each node saw
// first. Two that pay about the same stay first-seen: each node holds
// one of them, never both, until a block decides (chapter 08).
func TestRelayConflictingSpends(t *testing.T) {
	tests := []struct {
		name           string
		fee1, fee2     uint64
		second         simulation.NodeID // where the second spend goes
		wantEverywhere int               // 1 or 2; 0: either, never both
	}{
		{name: "the second pays the bump", fee1: 300, fee2: 330, second: 99, wantEverywhere: 2},
		{name: "the first pays the bump", fee1: 330, fee2: 300, second: 99, wantEverywhere: 1},
		{name: "at one node the bump wins there too", fee1: 300, fee2: 400, second: 0, wantEverywhere: 2},
		{name: "no bump: first seen, never both", fee1: 300, fee2: 301, second: 99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, genesis := Wallets(3, 2, 1_000_000)
			s, err := NewSimNet(SimConfig{Nodes: 100, Seed: 5, Genesis: genesis,
				Relay: RelayConfig{Chain: scChain}})
			require.NoError(t, err)
			tx1 := Transfer(scChain, keys[0], keys[1].Address(), 10, tt.fee1, 0)
			tx2 := Transfer(scChain, keys[0], keys[2].Address(), 10, tt.fee2, 0)
			require.NoError(t, s.Submit(0, tx1))
			require.NoError(t, s.Submit(tt.second, tx2))
			require.NoError(t, s.Net.RunFor(30*time.Second))
			held := map[broadcast.ID]int{}
			for i, rl := range s.Relays {
				ids := scPoolIDs(rl.Mempool())
				require.Len(t, ids, 1, "node %d", i)
				held[ids[0]]++
			}
			switch tt.wantEverywhere {
			case 1:
				assert.Equal(t, map[broadcast.ID]int{tx1.ID(): 100}, held)
			case 2:
				assert.Equal(t, map[broadcast.ID]int{tx2.ID(): 100}, held)
			default:
				assert.Equal(t, 100, held[tx1.ID()]+held[tx2.ID()])
			}
		})
	}
}

// TestRelayInvalidGoesNoFurther has one node hand its peers a
// transaction with a bad signature, by broadcast and along a stem: each
// peer scores it a ban, and no mempool anywhere holds the transaction.
func TestRelayInvalidGoesNoFurther(t *testing.T) {
	tests := []struct {
		name string
		msg  func(tx *Tx) wire.Message
	}{
		{name: "pushed as a broadcast item", msg: func(tx *Tx) wire.Message {
			data, _ := tx.Bytes()
			return &broadcast.MsgItems{Items: []broadcast.Item{{Type: TxItem, ID: tx.ID(), Data: data}}}
		}},
		{name: "passed along a stem", msg: func(tx *Tx) wire.Message { return &MsgTx{Tx: *tx} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, genesis := Wallets(2, 3, 1_000_000)
			s, err := NewSimNet(SimConfig{Nodes: 20, Seed: 6, Genesis: genesis,
				Relay: RelayConfig{Chain: scChain}})
			require.NoError(t, err)
			bad := Transfer(scChain, keys[0], keys[1].Address(), 10, 300, 0)
			bad.Sig[0] ^= 1
			// The liar's outbound peers: each holds it as a full peer.
			var peers []simulation.PeerID
			for _, p := range slices.Sorted(maps.Keys(s.Relays[0].outbound)) {
				if s.Relays[0].outbound[p] {
					peers = append(peers, p)
				}
			}
			require.NotEmpty(t, peers)
			for _, p := range peers {
				require.NoError(t, s.Net.Act(0, simulation.Send{To: p, Msg: tt.msg(bad)}))
			}
			require.NoError(t, s.Net.RunFor(5*time.Second))
			for i, rl := range s.Relays {
				assert.False(t, rl.Mempool().Has(bad.ID()), "node %d holds it", i)
			}
			n, ok := s.Net.Machine(0).(*discovery.Node)
			require.True(t, ok)
			for _, p := range peers {
				_, still := n.ConnManager().Table().Get(p)
				assert.False(t, still, "peer %d kept the liar", p)
			}
		})
	}
}
