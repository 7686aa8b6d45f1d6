package devnet

import (
	"context"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/final/node"
)

func TestConfigCheck(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
		want    Config
	}{
		{name: "defaults", cfg: Config{Dir: "d", Binary: "b"}},
		{name: "no nodes left", cfg: Config{Nodes: -1, Dir: "d", Binary: "b"}, wantErr: "-n -1: want 1 to 200"},
		{name: "too many", cfg: Config{Nodes: MaxNodes + 1, Dir: "d", Binary: "b"}, wantErr: "-n 201"},
		{name: "no directory", cfg: Config{Binary: "b"}, wantErr: "no directory"},
		{name: "no binary", cfg: Config{Dir: "d"}, wantErr: "no binary"},
		{name: "a negative grace", cfg: Config{Dir: "d", Binary: "b", Grace: -time.Second}, wantErr: "negative grace"},
		{name: "a negative item interval", cfg: Config{Dir: "d", Binary: "b", ItemsEvery: -time.Second}, wantErr: "negative item interval"},
		{name: "a negative transfer rate", cfg: Config{Dir: "d", Binary: "b", TxRate: -1}, wantErr: "-1 transfers a second: want 0 to 100"},
		{name: "transfers too often", cfg: Config{Dir: "d", Binary: "b", TxRate: MaxTxRate + 1}, wantErr: "101 transfers a second"},
		{name: "more miners than nodes", cfg: Config{Nodes: 3, Miners: 4, Dir: "d", Binary: "b"}, wantErr: "--miners 4: want 0 to 3"},
		{name: "negative miners", cfg: Config{Miners: -1, Dir: "d", Binary: "b"}, wantErr: "--miners -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.check()
			if tt.wantErr != "" {
				assert.ErrorIs(t, err, ErrConfig)
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, DefaultNodes, got.Nodes)
			assert.Equal(t, DefaultGrace, got.Grace)
			assert.Equal(t, DefaultPollInterval, got.Poll)
		})
	}
}

func TestArgs(t *testing.T) {
	c := Config{Dir: "/d", NodeArgs: []string{"--log-json"}}
	assert.Equal(t, []string{"node", "--name", "node2", "--datadir", "/d/node2", "--listen", "127.0.0.1:0",
		"--api", "127.0.0.1:0", "--seed-timeout", "1s", "--watch-stdin", "--no-color", "--seed", "127.0.0.1:7000", "--log-json"},
		c.args(2, "127.0.0.1:0", "127.0.0.1:0", []string{"127.0.0.1:7000"}))

	// The first Miners nodes mine, each paying its own devnet wallet.
	c.Miners = 2
	wallet2 := node.DevnetKey(2).Address().String()
	assert.Equal(t, []string{"node", "--name", "node1", "--datadir", "/d/node1", "--listen", "127.0.0.1:0",
		"--api", "127.0.0.1:0", "--seed-timeout", "1s", "--watch-stdin", "--no-color",
		"--mine", "--mine-to", wallet2, "--mine-threads", "1", "--log-json"},
		c.args(1, "127.0.0.1:0", "127.0.0.1:0", nil))
	assert.NotContains(t, c.args(2, "127.0.0.1:0", "127.0.0.1:0", nil), "--mine", "node2 is no miner")
	assert.Equal(t, 1, MinerWallet(10), "past the last wallet, the first again")
}

func TestWatchParent(t *testing.T) {
	r, w := io.Pipe()
	stopped := make(chan struct{})
	go WatchParent(r, func() { close(stopped) })
	_, err := w.Write([]byte("anything"))
	require.NoError(t, err)
	select {
	case <-stopped:
		t.Fatal("stopped while the pipe was open")
	default:
	}
	require.NoError(t, w.Close())
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop when the pipe closed")
	}
}

func TestReadLines(t *testing.T) {
	long := strings.Repeat("x", MaxLineBytes+10)
	var mu sync.Mutex
	var got []string
	c := Config{OnLine: func(i int, line string) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, line)
	}}
	var kept []string
	c.readLines(0, strings.NewReader("one\ntwo\n"+long+"\nthree\n"), func(l string) { kept = append(kept, l) })
	assert.Equal(t, got, kept)
	require.GreaterOrEqual(t, len(got), 3)
	assert.Equal(t, []string{"one", "two"}, got[:2])
	assert.Equal(t, "three", got[len(got)-1], "a line over the bound does not end the output")
	for _, l := range got {
		assert.LessOrEqual(t, len(l), MaxLineBytes)
	}
}

func TestRunFailsWhenTheSeedCannotStart(t *testing.T) {
	bin, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no false(1) on this machine")
	}
	var events []Event
	_, err = Run(context.Background(), Config{Nodes: 2, Dir: t.TempDir(), Binary: bin,
		OnEvent: func(e Event) { events = append(events, e) }})
	assert.ErrorContains(t, err, "node0 did not start: it exited: exit status 1")
	assert.Empty(t, events, "nothing started")
}
