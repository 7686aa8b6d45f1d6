package devnet

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/final/api"
	"peerchain/final/node"
)

// fakeTxNode is a node's account and tx API: every account has the
// same next nonce and pending count; a posted transaction is recorded,
// or refused with refuse.
type fakeTxNode struct {
	mu      sync.Mutex
	next    uint64
	pending int
	refuse  string
	broken  bool // every call fails
	got     []*transactions.Tx
}

func (f *fakeTxNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.broken:
		w.WriteHeader(http.StatusServiceUnavailable)
	case r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/api/v1/accounts/"):
		_ = json.NewEncoder(w).Encode(api.Account{Address: strings.TrimPrefix(r.URL.Path, "/api/v1/accounts/"),
			NextNonce: f.next, Pending: f.pending})
	case r.Method == "POST" && r.URL.Path == "/api/v1/tx" && r.Header.Get("Authorization") == "Bearer tok":
		var req api.TxRequest
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &req)
		raw, _ := hex.DecodeString(req.Tx)
		tx, err := transactions.ParseTx(raw)
		if err != nil || f.refuse != "" {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(api.Error{Error: f.refuse})
			return
		}
		f.got = append(f.got, tx)
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(api.TxAccepted{ID: tx.ID().Hex()})
	default:
		http.NotFound(w, r)
	}
}

func TestTransfer(t *testing.T) {
	tests := []struct {
		name      string
		nodes     []fakeTxNode // all up
		sent      uint64       // the next nonce the devnet had accepted of every wallet
		wantNode  int          // where the transfer goes; -1: nowhere
		wantNonce uint64
		wantKind  EventKind
		wantErr   string
	}{
		{name: "the node's next nonce", nodes: []fakeTxNode{{next: 7}}, wantNode: 0, wantNonce: 7, wantKind: Transferred},
		{name: "not a node that is behind", nodes: []fakeTxNode{{next: 2}, {next: 5}, {next: 1}}, sent: 5,
			wantNode: 1, wantNonce: 5, wantKind: Transferred},
		{name: "every node behind", nodes: []fakeTxNode{{next: 2}, {next: 3}}, sent: 5, wantNode: -1,
			wantKind: TransferHeld, wantErr: "no node up has seen wallet-"},
		{name: "no node answers", nodes: []fakeTxNode{{broken: true}}, wantNode: -1, wantKind: TransferHeld,
			wantErr: "next nonce: node0: 503 Service Unavailable"},
		{name: "a sender at the mempool's limit", nodes: []fakeTxNode{{pending: transactions.DefaultMaxPerSender}},
			wantNode: -1, wantKind: TransferHeld, wantErr: "100 transfers pending"},
		{name: "refused", nodes: []fakeTxNode{{refuse: "mempool full"}}, wantNode: -1, wantKind: Transferred,
			wantErr: "400 Bad Request: mempool full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var events []Event
			s := &supervisor{cfg: Config{Dir: dir, OnEvent: func(e Event) { events = append(events, e) }},
				client: &http.Client{Timeout: PollTimeout}, rng: rand.New(rand.NewPCG(7, 7)),
				nonces: make(map[int]uint64)}
			for w := 1; w <= node.DevnetWallets; w++ {
				s.nonces[w] = tt.sent
			}
			for i := range tt.nodes {
				srv := httptest.NewServer(&tt.nodes[i])
				t.Cleanup(srv.Close)
				s.states = append(s.states, NodeState{Node: i, Name: Name(i), Up: true, PID: 100 + i,
					API: strings.TrimPrefix(srv.URL, "http://")})
				s.kids = append(s.kids, &child{i: i})
				require.NoError(t, os.MkdirAll(s.cfg.nodeDir(i), 0o700))
				require.NoError(t, os.WriteFile(filepath.Join(s.cfg.nodeDir(i), api.CookieFile), []byte("tok\n"), api.CookieMode))
			}
			s.transfer(context.Background())

			require.Len(t, events, 1)
			e := events[0]
			assert.Equal(t, tt.wantKind, e.Kind)
			assert.NotEqual(t, e.Wallet, e.Payee, "a wallet pays another")
			assert.True(t, e.Wallet >= 1 && e.Wallet <= node.DevnetWallets && e.Payee >= 1 && e.Payee <= node.DevnetWallets)
			if tt.wantErr != "" {
				assert.ErrorContains(t, e.Err, tt.wantErr)
				assert.Equal(t, tt.sent, s.nonces[e.Wallet], "nothing was taken")
				for i := range tt.nodes {
					assert.Empty(t, tt.nodes[i].got, "node %d", i)
				}
				return
			}
			require.NoError(t, e.Err)
			require.Len(t, tt.nodes[tt.wantNode].got, 1)
			tx := tt.nodes[tt.wantNode].got[0]
			require.NoError(t, tx.Check(wire.DevNet), "signed for the devnet")
			assert.Equal(t, node.DevnetKey(e.Wallet).Address(), tx.Sender())
			assert.Equal(t, node.DevnetKey(e.Payee).Address(), tx.To)
			assert.Equal(t, tt.wantNonce, tx.Nonce)
			assert.Equal(t, tx.ID().Hex(), e.Item)
			assert.Equal(t, tt.wantNode, e.Node)
			assert.Equal(t, uint64(transferFeeRate*tx.Size()), tx.Fee)
			assert.Equal(t, tt.wantNonce+1, s.nonces[e.Wallet], "the devnet notes what was taken")
			assert.Equal(t, 1, s.sent)
		})
	}
}

func TestWriteWallets(t *testing.T) {
	dir := t.TempDir()
	paths, err := WriteWallets(dir)
	require.NoError(t, err)
	require.Len(t, paths, node.DevnetWallets)
	for i, p := range paths {
		assert.Equal(t, filepath.Join(dir, WalletsDir, WalletFile(i+1)), p)
		info, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "a key is its owner's only")
		k, err := transactions.LoadKey(p)
		require.NoError(t, err)
		assert.Equal(t, node.DevnetKey(i+1).Address(), k.Address())
	}
	again, err := WriteWallets(dir)
	require.NoError(t, err, "a directory kept from an earlier run")
	assert.Equal(t, paths, again)

	require.NoError(t, os.Remove(paths[0]))
	stranger, err := transactions.GenerateKey(strings.NewReader(strings.Repeat("x", 64)))
	require.NoError(t, err)
	require.NoError(t, transactions.SaveKey(paths[0], stranger))
	_, err = WriteWallets(dir)
	assert.ErrorContains(t, err, "not devnet wallet 1's", "a key that is not the wallet's is never replaced")
}
