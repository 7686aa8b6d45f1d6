package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/final/api"
	"peerchain/final/devnet"
	"peerchain/final/node"
	"peerchain/tools/command/commandtest"
)

// runNode runs `peerchain node` in this process on dir until the test
// ends.
func runNode(t *testing.T, dir string) node.Endpoints {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out syncBuffer
	go func() {
		done <- run(ctx, []string{"peerchain", "node", "--datadir", dir, "--listen", "127.0.0.1:0",
			"--api", "127.0.0.1:0"}, &out)
	}()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done, out.String())
	})
	var e node.Endpoints
	eventually(t, "the node runs", 10*time.Second, func() bool {
		var err error
		e, err = node.ReadEndpoints(dir)
		return err == nil
	})
	return e
}

var sentID = regexp.MustCompile(`^sent ([0-9a-f]{64})\n`)

func TestWallet(t *testing.T) {
	dir := t.TempDir()
	e := runNode(t, dir)
	keys := t.TempDir()
	funded, err := devnet.WriteWallets(keys)
	require.NoError(t, err)
	payer := funded[0] // devnet wallet 1: funded at genesis
	wallet := func(args ...string) (string, error) {
		return commandtest.Run(t, run, append([]string{"peerchain", "wallet"}, args...)...)
	}

	out, err := wallet("new", "--datadir", dir)
	require.NoError(t, err)
	path := filepath.Join(dir, WalletFile)
	assert.Contains(t, out, "new key in "+path+" (only you can read it)\naddress pc1")
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	addr, err := wallet("address", "--datadir", dir)
	require.NoError(t, err)
	addr = strings.TrimSpace(addr)
	assert.Contains(t, out, "address "+addr+"\n", "new and address agree")

	out, err = wallet("balance", "--datadir", dir)
	require.NoError(t, err)
	assert.Equal(t, addr+"\n  balance     0\n  pending     0, spending 0\n  spendable   0\n"+
		"  nonce       0 confirmed, next 0\n", out)

	var sent string
	for nonce := range 2 {
		out, err = wallet("send", "--wallet", payer, "--datadir", dir, "--to", addr, "--amount", "5", "--memo", "hi")
		require.NoError(t, err)
		require.Regexp(t, sentID, out)
		sent = out
		assert.Contains(t, out, fmt.Sprintf("  to      %s\n  amount  5, fee 294 (147 bytes), nonce %d\n", addr, nonce),
			"the default fee is twice the minimum; the nonce, the node's next")
	}
	out, err = wallet("send", "--wallet", payer, "--api", e.API, "--to", addr, "--amount", "5", "--dry-run")
	require.NoError(t, err, "a dry run needs no token")
	raw, err := hex.DecodeString(strings.TrimSpace(out))
	require.NoError(t, err, out)
	dry, err := transactions.ParseTx(raw)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), dry.Nonce, "signed with the next nonce")
	require.NoError(t, dry.Check(wire.DevNet))

	var m api.Mempool
	require.NoError(t, getJSON(context.Background(), e.API, "/mempool", &m))
	require.Len(t, m.Txs, 2, "a dry run sends nothing")
	assert.Equal(t, sentID.FindStringSubmatch(sent)[1], m.Txs[1].ID, "what send printed is what the node holds")
	assert.Equal(t, addr, m.Txs[1].To)
	assert.Equal(t, "hi", m.Txs[1].Memo)

	out, err = wallet("balance", "--wallet", payer, "--api", e.API)
	require.NoError(t, err)
	assert.Contains(t, out, "  balance     "+strconv.Itoa(node.DevnetBalance)+"\n")
	assert.Contains(t, out, fmt.Sprintf("  pending     2, spending %d\n  spendable   %d\n", 2*(5+294),
		node.DevnetBalance-2*(5+294)))
	assert.Contains(t, out, "  nonce       0 confirmed, next 2\n")
	_, err = wallet("balance", "--api", e.API, addr)
	require.NoError(t, err, "any address, by argument")

	open := filepath.Join(t.TempDir(), "open.key")
	keyText, err := os.ReadFile(payer)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(open, keyText, 0o644))
	mistyped := addr[:len(addr)-1] + map[bool]string{true: "q", false: "p"}[addr[len(addr)-1] != 'q']
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "a second new key over the first", args: []string{"new", "--datadir", dir},
			wantErr: "key file exists: " + path + ": it holds a key already"},
		{name: "a mistyped address", args: []string{"send", "--wallet", payer, "--datadir", dir, "--to", mistyped, "--amount", "1"},
			wantErr: "--to " + mistyped + ": the checksum failed"},
		{name: "a key others can read", args: []string{"send", "--wallet", open, "--datadir", dir, "--to", addr, "--amount", "1"},
			wantErr: "key file readable by others: " + open + " has mode 0644: run chmod 600 " + open},
		{name: "no key", args: []string{"address", "--wallet", filepath.Join(dir, "none.key")},
			wantErr: "no key at " + filepath.Join(dir, "none.key") + ": make one with `peerchain wallet new`"},
		{name: "nothing to send", args: []string{"send", "--wallet", payer, "--datadir", dir, "--to", addr, "--amount", "0"},
			wantErr: "--amount 0: a transfer must move something"},
		{name: "a long memo", args: []string{"send", "--wallet", payer, "--datadir", dir, "--to", addr, "--amount", "1",
			"--memo", strings.Repeat("m", 257)}, wantErr: "--memo: 257 bytes, at most 256"},
		{name: "a fee the node refuses", args: []string{"send", "--wallet", payer, "--datadir", dir, "--to", addr,
			"--amount", "1", "--fee", "1"}, wantErr: "the node refused it: 400 Bad Request: fee rate under the minimum: 1 for 145 bytes, minimum 1 a byte"},
		{name: "more than the key has", args: []string{"send", "--datadir", dir, "--to", addr, "--amount", "1"},
			wantErr: "insufficient balance"},
		{name: "no node", args: []string{"send", "--wallet", payer, "--datadir", keys, "--to", addr, "--amount", "1"},
			wantErr: "no --api given, and open " + filepath.Join(keys, node.EndpointsFile)},
		{name: "no token", args: []string{"send", "--wallet", payer, "--datadir", keys, "--api", e.API, "--to", addr,
			"--amount", "1"}, wantErr: "send needs the node's API token, from --datadir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := wallet(tt.args...)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
	require.NoError(t, getJSON(context.Background(), e.API, "/mempool", &m))
	assert.Equal(t, 2, m.Count, "nothing more was taken")
}
