package node

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/final/api"
)

// transfer is devnet wallet from's transfer to wallet to, signed.
func transfer(from, to int, amount, fee, nonce uint64, memo string) *transactions.Tx {
	tx := &transactions.Tx{Chain: wire.DevNet, To: DevnetKey(to).Address(), Amount: amount,
		Fee: fee, Nonce: nonce, Memo: []byte(memo)}
	tx.Sign(DevnetKey(from))
	return tx
}

// txBody is the JSON body of POST /tx for tx.
func txBody(t *testing.T, tx *transactions.Tx) string {
	t.Helper()
	raw, err := tx.Bytes()
	require.NoError(t, err)
	return fmt.Sprintf(`{"tx":%q}`, hex.EncodeToString(raw))
}

// getJSON gets a path of a node's API, wanting 200, and decodes it.
func getJSON(t *testing.T, n *running, path string, v any) {
	t.Helper()
	code, body := call(t, n, "GET", path, "", "", "")
	require.Equal(t, http.StatusOK, code, body)
	require.NoError(t, json.Unmarshal([]byte(body), v), body)
}

func TestDevnetWallets(t *testing.T) {
	g := DevnetGenesis()
	require.Len(t, g, DevnetWallets)
	seen := map[transactions.Address]bool{}
	for i := 1; i <= DevnetWallets; i++ {
		a := DevnetKey(i).Address()
		assert.Equal(t, uint64(DevnetBalance), g[a], "wallet %d is funded", i)
		assert.Equal(t, a, DevnetKey(i).Address(), "the same number, the same key")
		assert.False(t, seen[a], "wallet %d is its own", i)
		seen[a] = true
	}
	one := transactions.KeyFromSeed(sha256.Sum256([]byte("peerchain devnet wallet 1")))
	assert.Equal(t, one.Address(), DevnetKey(1).Address(), "the seed is sha256(\"peerchain devnet wallet 1\")")
	assert.Equal(t, "pc1yn4ufxy6jl57un8alsq78wsms74vavf3z5uahu", DevnetKey(1).Address().String(),
		"the same on every machine")
	assert.Nil(t, genesisOf(wire.BitcoinMainNet), "other chains start empty")
}

// TestSubmitTx posts transactions to one node's API over real HTTP, in
// order: each row sees the mempool the rows before it left.
func TestSubmitTx(t *testing.T) {
	t.Parallel() // each its own node, ports and directory
	n := start(t, t.TempDir())
	tok := token(t, n)
	first := transfer(1, 2, 5, 290, 0, "first")
	stranger, err := transactions.GenerateKey(strings.NewReader(strings.Repeat("s", 64)))
	require.NoError(t, err)
	unfunded := &transactions.Tx{Chain: wire.DevNet, To: DevnetKey(1).Address(), Amount: 1, Fee: 300}
	unfunded.Sign(stranger)
	forged := transfer(1, 2, 5, 290, 1, "")
	forged.From = DevnetKey(3).Public() // wallet 3's key, wallet 1's signature
	otherChain := &transactions.Tx{Chain: wire.BitcoinMainNet, To: DevnetKey(2).Address(), Amount: 5, Fee: 290, Nonce: 1}
	otherChain.Sign(DevnetKey(1))
	tests := []struct {
		name     string
		token    string
		body     string
		wantCode int
		wantID   string // 202: the ID answered
		wantErr  string // else: the error
	}{
		{name: "a transfer", token: tok, body: txBody(t, first), wantCode: 202, wantID: first.ID().Hex()},
		{name: "the same again", token: tok, body: txBody(t, first), wantCode: 400, wantErr: "already in the mempool"},
		{name: "its nonce again, no more fee", token: tok, body: txBody(t, transfer(1, 3, 5, 291, 0, "")),
			wantCode: 400, wantErr: "replacement does not pay enough more"},
		{name: "a nonce skipped", token: tok, body: txBody(t, transfer(1, 2, 5, 290, 5, "")), wantCode: 400,
			wantErr: "nonce skipped: nonce 5, next is 1 (1 pending)"},
		{name: "more than the wallet has", token: tok, body: txBody(t, transfer(2, 1, DevnetBalance, 290, 0, "")),
			wantCode: 400, wantErr: "insufficient balance"},
		{name: "an unfunded sender", token: tok, body: txBody(t, unfunded), wantCode: 400, wantErr: "insufficient balance"},
		{name: "a forged signature", token: tok, body: txBody(t, forged), wantCode: 400, wantErr: "bad signature"},
		{name: "another chain", token: tok, body: txBody(t, otherChain), wantCode: 400,
			wantErr: "wrong chain: signed for bitcoin main, this is peerchain devnet"},
		{name: "a fee under the minimum", token: tok, body: txBody(t, transfer(2, 1, 5, 1, 0, "")), wantCode: 400,
			wantErr: "fee rate under the minimum: 1 for 145 bytes"},
		{name: "bytes that are no transaction", token: tok, body: `{"tx":"fc8ed5"}`, wantCode: 400,
			wantErr: "tx: malformed transaction: unexpected EOF"},
		{name: "not hex", token: tok, body: `{"tx":"zz"}`, wantCode: 400, wantErr: "tx: not hex"},
		{name: "not JSON", token: tok, body: `tx=00`, wantCode: 400, wantErr: "request body: invalid character"},
		{name: "no transaction", token: tok, body: `{}`, wantCode: 400, wantErr: `"tx" is missing`},
		{name: "without the token", body: txBody(t, transfer(2, 1, 5, 290, 0, "")), wantCode: 401,
			wantErr: "needs the node's API token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := call(t, n, "POST", "/tx", tt.token, "application/json", tt.body)
			require.Equal(t, tt.wantCode, code, body)
			if tt.wantID != "" {
				assert.JSONEq(t, fmt.Sprintf(`{"id":%q}`, tt.wantID), body)
				return
			}
			var e api.Error
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			assert.Contains(t, e.Error, tt.wantErr)
		})
	}

	var m api.Mempool
	getJSON(t, n, "/mempool", &m)
	assert.Equal(t, 1, m.Count, "only the first was taken")
	assert.Equal(t, first.Size(), m.Bytes)
	require.Len(t, m.Txs, 1)
	assert.Equal(t, first.ID().Hex(), m.Txs[0].ID)
	assert.Equal(t, 1, status(t, n).Mempool, "the status counts it")

	accounts := []struct {
		name     string
		addr     string
		wantCode int
		want     api.Account
		wantErr  string
	}{
		{name: "the sender", addr: DevnetKey(1).Address().String(), wantCode: 200,
			want: api.Account{Address: DevnetKey(1).Address().String(), Balance: DevnetBalance, Nonce: 0,
				Pending: 1, Spendable: DevnetBalance - 5 - 290, NextNonce: 1}},
		{name: "the recipient: not paid until a block", addr: DevnetKey(2).Address().String(), wantCode: 200,
			want: api.Account{Address: DevnetKey(2).Address().String(), Balance: DevnetBalance,
				Spendable: DevnetBalance}},
		{name: "an address nobody paid", addr: stranger.Address().String(), wantCode: 200,
			want: api.Account{Address: stranger.Address().String()}},
		{name: "a mistyped address", addr: "pc1yn4ufxy6jl57un8alsq78wsms74vavf3z5uahq", wantCode: 400,
			wantErr: "checksum does not match"},
		{name: "not an address", addr: "alice", wantCode: 400, wantErr: `invalid address "alice": bech32: bad length`},
	}
	for _, tt := range accounts {
		t.Run("account: "+tt.name, func(t *testing.T) {
			code, body := call(t, n, "GET", "/accounts/"+tt.addr, "", "", "")
			require.Equal(t, tt.wantCode, code, body)
			if tt.wantErr != "" {
				var e api.Error
				require.NoError(t, json.Unmarshal([]byte(body), &e), body)
				assert.Contains(t, e.Error, tt.wantErr)
				return
			}
			var got api.Account
			require.NoError(t, json.Unmarshal([]byte(body), &got))
			assert.Equal(t, tt.want, got)
		})
	}

	// What a node holds pending it keeps across a restart.
	n.halt(t)
	again := startAt(t, n.dir, "127.0.0.1:0")
	var after api.Account
	code, body := call(t, again, "GET", "/accounts/"+DevnetKey(1).Address().String(), "", "", "")
	require.Equal(t, http.StatusOK, code, body)
	require.NoError(t, json.Unmarshal([]byte(body), &after))
	assert.Equal(t, 1, after.Pending, "the mempool is saved and restored")
	assert.Equal(t, uint64(1), after.NextNonce, "so the next nonce is right after a restart")
}

// TestMempoolOrder: GET /mempool lists the pool as a block would take
// it, best fee rate first, each sender's nonces in order, every field
// shown as the sender signed it.
func TestMempoolOrder(t *testing.T) {
	t.Parallel() // each its own node, ports and directory
	n := start(t, t.TempDir())
	tok := token(t, n)
	lowParent := transfer(1, 2, 10, 145*2, 0, "")        // 2 a byte
	richChild := transfer(1, 2, 11, 145*10, 1, "")       // 10 a byte, after its parent
	best := transfer(2, 3, 12, 145*5, 0, "")             // 5 a byte
	memo := transfer(3, 1, 13, 150*3, 0, "hi\x00\n\xff") // 3 a byte, 150 bytes
	for _, tx := range []*transactions.Tx{lowParent, richChild, best, memo} {
		code, body := call(t, n, "POST", "/tx", tok, "application/json", txBody(t, tx))
		require.Equal(t, http.StatusAccepted, code, body)
	}
	var m api.Mempool
	getJSON(t, n, "/mempool", &m)
	assert.Equal(t, 4, m.Count)
	assert.Equal(t, 3*145+150, m.Bytes)
	var got []string
	for _, tx := range m.Txs {
		got = append(got, tx.ID)
	}
	assert.Equal(t, []string{best.ID().Hex(), memo.ID().Hex(), lowParent.ID().Hex(), richChild.ID().Hex()}, got,
		"fee rate first; the child after its parent, which holds it back")
	require.Len(t, m.Txs, 4)
	assert.Equal(t, api.Tx{ID: memo.ID().Hex(), From: DevnetKey(3).Address().String(),
		To: DevnetKey(1).Address().String(), Amount: 13, Fee: 450, FeeRate: 3, Size: 150, Nonce: 0,
		Memo: `hi\x00\n\xff`}, m.Txs[1], "a memo's bytes, escaped")
	assert.Equal(t, uint64(1), m.Txs[3].Nonce)
}

// TestTxSpreads: a transaction submitted at one node reaches its peer's
// mempool, and the peer's event stream says so.
func TestTxSpreads(t *testing.T) {
	t.Parallel() // each its own nodes, ports and directories
	root := t.TempDir()
	a := start(t, filepath.Join(root, "a"))
	b := start(t, filepath.Join(root, "b"))
	require.NoError(t, a.Connect(context.Background(), b.Listen()))
	eventually(t, "a and b are connected", 10*time.Second, func() bool { return status(t, b).Peers() == 1 })
	stream := events(t, b)

	tx := transfer(4, 5, 42, 290, 0, "to b")
	code, body := call(t, a, "POST", "/tx", token(t, a), "application/json", txBody(t, tx))
	require.Equal(t, http.StatusAccepted, code, body)
	eventually(t, "b's mempool has it", 10*time.Second, func() bool { return status(t, b).Mempool == 1 })
	var m api.Mempool
	getJSON(t, b, "/mempool", &m)
	require.Len(t, m.Txs, 1)
	assert.Equal(t, tx.ID().Hex(), m.Txs[0].ID)
	assert.Equal(t, 0, status(t, b).Items, "a transaction is no item")

	deadline := time.After(5 * time.Second)
	for found := false; !found; {
		select {
		case line := <-stream:
			found = strings.HasPrefix(line, "data: ") && strings.Contains(line, `"type":"tx"`) &&
				strings.Contains(line, `"id":"`+tx.ID().Hex()+`"`) && strings.Contains(line, `"memo":"to b"`)
		case <-deadline:
			t.Fatal("the transaction's event never came on b's stream")
		}
	}
}
