package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fatih/color"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	blocks "peerchain/chapters/08-blocks"
	"peerchain/final/api"
	"peerchain/final/devnet"
	"peerchain/final/node"
	"peerchain/tools/command/commandtest"
)

// binary is the peerchain program for the tests that run real
// processes: this test binary itself, which runs main instead of the
// tests when asCommand is set in its environment. A devnet's nodes
// inherit it too (the devnet passes on every variable but PEERCHAIN_
// ones, hence the name). So the tests need no second build.
var binary string

// asCommand, set to 1 in the environment, makes the test binary the
// peerchain command.
const asCommand = "GO_TEST_RUNS_PEERCHAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asCommand) == "1" {
		main()
		return
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = exe
	os.Setenv(asCommand, "1") // for the processes the tests start
	color.NoColor = true      // as commandtest.Main does
	os.Exit(m.Run())
}

// eventually polls cond until it holds or d passes.
func eventually(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting until %s", d, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer a process and a test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startDevnet runs `peerchain devnet` as a process.
func startDevnet(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer, string) {
	t.Helper()
	return startDevnetIn(t, t.TempDir(), args...)
}

// startDevnetIn runs `peerchain devnet --dir dir`.
func startDevnetIn(t *testing.T, dir string, args ...string) (*exec.Cmd, *syncBuffer, string) {
	t.Helper()
	out := &syncBuffer{}
	cmd := exec.Command(binary, append([]string{"devnet", "--dir", dir, "--no-color"}, args...)...)
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the devnet's output:\n%s", out.String())
		}
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, out, dir
}

// endpoints waits until each of n nodes has said where it listens.
func endpoints(t *testing.T, dir string, n int) []node.Endpoints {
	t.Helper()
	ends := make([]node.Endpoints, n)
	eventually(t, "every node has written its endpoints", 30*time.Second, func() bool {
		for i := range ends {
			e, err := node.ReadEndpoints(filepath.Join(dir, devnet.Name(i)))
			if err != nil {
				return false
			}
			ends[i] = e
		}
		return true
	})
	return ends
}

// nodeStatus asks a node's API for its status.
func nodeStatus(addr string) (api.Status, error) {
	var st api.Status
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get("http://" + addr + "/api/v1/status")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// alive reports whether a process runs: it exists and is not a zombie.
func alive(pid int) bool {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil // no /proc: ask the kernel
	}
	_, rest, _ := strings.Cut(string(raw), ") ")
	return !strings.HasPrefix(rest, "Z")
}

func TestDevnetFindsEachOtherAndStopsCleanly(t *testing.T) {
	t.Parallel() // each its own processes, ports and directory
	const n = 5
	// No miner: its blocks would empty the mempools this test counts.
	cmd, out, dir := startDevnet(t, "-n", strconv.Itoa(n), "--items-every", "300ms", "--tx-rate", "10", "--miners", "0")
	ends := endpoints(t, dir, n)
	eventually(t, "every node has a peer in each other node", 30*time.Second, func() bool {
		for _, e := range ends {
			st, err := nodeStatus(e.API)
			if err != nil || st.Peers() < n-1 {
				return false
			}
		}
		return true
	})
	eventually(t, "the summary shows it", 10*time.Second, func() bool {
		return strings.Contains(out.String(), fmt.Sprintf("%d of %d nodes up, %d ready", n, n, n))
	})
	eventually(t, "the devnet's test items and transfers reach every node", 10*time.Second, func() bool {
		for _, e := range ends {
			st, err := nodeStatus(e.API)
			if err != nil || st.Items < 2 || st.Mempool < 2 {
				return false
			}
		}
		return true
	})
	assert.Regexp(t, `node\d \* published item [0-9a-f]{64} \(\d+ bytes\)`, out.String())
	row := regexp.MustCompile(`\nnode\d +full +\d+ +\d+ +\d+ +\d+/\d+ +\d+ +[1-9]\d* +[1-9]\d* +0 [0-9a-f]{8} +- +0  127\.0\.0\.1:\d+\n`)
	eventually(t, "the summary counts each node's items and transactions", 10*time.Second, func() bool {
		got := out.String()
		return row.MatchString(got) && strings.Contains(got, "; items min ") &&
			strings.Contains(got, "; mempool min ") && strings.Contains(got, "\ntest transfers: ")
	})

	sent := time.Now()
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		assert.NoError(t, err, out.String())
	case <-time.After(devnet.DefaultGrace + 5*time.Second):
		t.Fatalf("the devnet did not stop:\n%s", out.String())
	}
	assert.Less(t, time.Since(sent), devnet.DefaultGrace, "every node stopped within the grace period")
	for _, e := range ends {
		assert.False(t, alive(e.PID), "node pid %d is gone", e.PID)
	}
	got := out.String()
	assert.Contains(t, got, "closing summary")
	assert.Contains(t, got, fmt.Sprintf("%d of %d nodes stopped cleanly", n, n))
	assert.Regexp(t, `\d+ test items published`, got)
	assert.Regexp(t, `\n[1-9]\d* test transfers sent, 0 refused, \d+ held back\n`, got)
	assert.NotContains(t, got, "publish failed")
	assert.NotContains(t, got, "* refused transfer")
	assert.Contains(t, got, "node0 | ", "node lines carry the node's name")
	assert.Contains(t, got, `msg="peer up"`)
	assert.NotContains(t, got, "killed")
}

func TestDevnetTransactionReachesEveryMempool(t *testing.T) {
	t.Parallel() // each its own processes, ports and directory
	const n = 3
	cmd, out, dir := startDevnet(t, "-n", strconv.Itoa(n), "--tx-rate", "0", "--items-every", "0", "--miners", "0")
	ends := endpoints(t, dir, n)
	eventually(t, "every node has a peer in each other node", 30*time.Second, func() bool {
		for _, e := range ends {
			st, err := nodeStatus(e.API)
			if err != nil || st.Peers() < n-1 {
				return false
			}
		}
		return true
	})
	wallet := filepath.Join(dir, devnet.WalletsDir, devnet.WalletFile(1))
	assert.Contains(t, out.String(), "devnet: wallets 1 to 10, 1000000000000 each at genesis; their keys: "+
		filepath.Join(dir, devnet.WalletsDir))
	sent, err := commandtest.Run(t, run, "peerchain", "wallet", "send", "--wallet", wallet,
		"--datadir", filepath.Join(dir, devnet.Name(1)), "--to", node.DevnetKey(2).Address().String(), "--amount", "7")
	require.NoError(t, err, "a learner's transfer, with a devnet wallet, at node1")
	id := sentID.FindStringSubmatch(sent)
	require.Len(t, id, 2, sent)
	eventually(t, "every node's mempool holds it", 10*time.Second, func() bool {
		for _, e := range ends {
			var m api.Mempool
			if getJSON(context.Background(), e.API, "/mempool", &m) != nil || len(m.Txs) != 1 || m.Txs[0].ID != id[1] {
				return false
			}
		}
		return true
	})
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait())
	assert.Contains(t, out.String(), fmt.Sprintf("%d of %d nodes stopped cleanly", n, n))
}

func TestDevnetKilledLeavesNoNode(t *testing.T) {
	t.Parallel() // each its own processes, ports and directory
	const n = 3
	cmd, out, dir := startDevnet(t, "-n", strconv.Itoa(n))
	ends := endpoints(t, dir, n)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	eventually(t, "no node outlives the devnet", 10*time.Second, func() bool {
		for _, e := range ends {
			if alive(e.PID) {
				return false
			}
		}
		return true
	})
	assert.NotContains(t, out.String(), "closing summary", "the devnet had no chance to say anything")
}

func TestDevnetRestartsADeadNode(t *testing.T) {
	t.Parallel() // each its own processes, ports and directory
	cmd, out, dir := startDevnet(t, "-n", "2", "--restart")
	ends := endpoints(t, dir, 2)
	eventually(t, "the devnet has seen node1 start", 10*time.Second, func() bool {
		return strings.Contains(out.String(), "node1 * started")
	})
	require.NoError(t, syscall.Kill(ends[1].PID, syscall.SIGKILL))
	var again node.Endpoints
	eventually(t, "node1 runs again", 20*time.Second, func() bool {
		e, err := node.ReadEndpoints(filepath.Join(dir, "node1"))
		if err != nil || e.PID == ends[1].PID {
			return false
		}
		again = e
		_, err = nodeStatus(e.API)
		return err == nil
	})
	assert.Equal(t, ends[1].Listen, again.Listen, "on the address it had")
	assert.Contains(t, out.String(), "node1 * died: signal: killed")
	assert.Contains(t, out.String(), "node1 * restarting in 1s")
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait())
	assert.False(t, alive(again.PID))
	assert.Contains(t, out.String(), "2 of 2 nodes stopped cleanly")
}

func TestDevnetAgainOnItsDirectory(t *testing.T) {
	t.Parallel() // each its own processes, ports and directory
	cmd, _, dir := startDevnet(t, "-n", "2")
	first := endpoints(t, dir, 2)

	out, err := exec.Command(binary, "devnet", "-n", "2", "--dir", dir, "--no-color", "-q").CombinedOutput()
	assert.Error(t, err, "a second devnet on a directory in use fails")
	assert.Contains(t, string(out), "node0 did not start: it exited (exit status 1), saying: ")
	assert.Contains(t, string(out), "another node runs on data directory "+filepath.Join(dir, "node0"))

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait())
	cmd, _, _ = startDevnetIn(t, dir, "-n", "2")
	again := endpoints(t, dir, 2)
	for i := range again {
		assert.NotEqual(t, first[i].PID, again[i].PID)
		assert.Equal(t, first[i].Listen, again[i].Listen, "%s is back where it listened", devnet.Name(i))
		assert.Equal(t, first[i].API, again[i].API)
	}
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait())
}

func TestNodeStopsWhenStdinCloses(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(binary, "node", "--datadir", dir, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--watch-stdin")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	eventually(t, "the node runs", 10*time.Second, func() bool {
		_, err := node.ReadEndpoints(dir)
		return err == nil
	})
	require.NoError(t, stdin.Close()) // as when its parent dies, however
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		assert.NoError(t, err, "a clean stop")
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the node did not stop when its stdin closed")
	}
	assert.Contains(t, out.String(), `msg="node stopped"`)
}

func TestNodeCommand(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out syncBuffer
	go func() {
		done <- run(ctx, []string{"peerchain", "node", "--datadir", dir, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--name", "solo"}, &out)
	}()
	eventually(t, "the node runs", 10*time.Second, func() bool {
		_, err := node.ReadEndpoints(dir)
		return err == nil
	})
	e, err := node.ReadEndpoints(dir)
	require.NoError(t, err)

	t.Run("status", func(t *testing.T) {
		got, err := commandtest.Run(t, run, "peerchain", "status", "--datadir", dir)
		require.NoError(t, err)
		assert.Contains(t, got, "solo /peerchain:0.1/, devnet network")
		assert.Contains(t, got, "listen    "+e.Listen)
		assert.Contains(t, got, "peers     0 (0 outbound of a target of 8, 0 inbound)")
		assert.Contains(t, got, "items     0\n  mempool   0\n")
		genesis := blocks.DevNet.Genesis.Hash().String()
		assert.Contains(t, got, "  height    0, tip "+genesis[:12]+", mined 2026-01-01 00:00:00\n")
		assert.Contains(t, got, "  mining    no\n  aside     0 valid blocks off the chain\n")
	})
	t.Run("status --json", func(t *testing.T) {
		got, err := commandtest.Run(t, run, "peerchain", "status", "--api", e.API, "--json")
		require.NoError(t, err)
		var v struct {
			Status api.Status `json:"status"`
			Peers  []api.Peer `json:"peers"`
		}
		require.NoError(t, json.Unmarshal([]byte(got), &v))
		assert.Equal(t, e.Listen, v.Status.Listen)
		assert.Equal(t, "solo", v.Status.Name)
		assert.Empty(t, v.Peers)
	})
	t.Run("a second node on its directory", func(t *testing.T) {
		_, err := commandtest.Run(t, run, "peerchain", "node", "--datadir", dir, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0")
		assert.ErrorContains(t, err, "another node runs on data directory "+dir+"; stop it, or give this one another --datadir")
	})
	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, out.String(), `msg="node stopped"`)
	_, err = commandtest.Run(t, run, "peerchain", "status", "--datadir", dir)
	assert.ErrorContains(t, err, "is a node running on "+dir)
}

func TestLogJSON(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"peerchain", "node", "--datadir", dir, "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--log-json", "--name", "j"}, &out)
	}()
	eventually(t, "the node runs", 10*time.Second, func() bool { _, err := node.ReadEndpoints(dir); return err == nil })
	cancel()
	require.NoError(t, <-done)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.NotEmpty(t, lines)
	for _, l := range lines {
		var v map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &v), l)
		assert.Equal(t, "j", v["node"])
	}
}

func TestBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "node: a listen address that is not one", args: []string{"node", "--datadir", "x", "--listen", "localhost"},
			wantErr: `--listen "localhost": want IP:PORT`},
		{name: "node: a public API", args: []string{"node", "--datadir", "x", "--api", "0.0.0.0:8334"},
			wantErr: "--api 0.0.0.0:8334 is not a loopback address"},
		{name: "node: a seed that is not an address", args: []string{"node", "--datadir", "x", "--seed", "seed.peerchain.example"},
			wantErr: `--seed "seed.peerchain.example": want IP:PORT`},
		{name: "node: an argument", args: []string{"node", "--datadir", "x", "127.0.0.1:1"},
			wantErr: "did you mean --seed 127.0.0.1:1?"},
		{name: "node: a negative target", args: []string{"node", "--datadir", "x", "--outbound", "-1"},
			wantErr: "must not be negative"},
		{name: "devnet: no nodes", args: []string{"devnet", "-n", "0"}, wantErr: "-n 0: want 1 to 200 nodes"},
		{name: "devnet: too many", args: []string{"devnet", "-n", "1000"}, wantErr: "-n 1000: want 1 to 200 nodes"},
		{name: "devnet: an argument", args: []string{"devnet", "3"}, wantErr: "say -n 3"},
		{name: "devnet: items too often", args: []string{"devnet", "--items-every", "1ms"},
			wantErr: "--items-every 1ms: want 0 (never) or at least 10ms"},
		{name: "devnet: a negative item interval", args: []string{"devnet", "--items-every", "-1s"},
			wantErr: "--items-every -1s: want 0 (never)"},
		{name: "devnet: a negative transfer rate", args: []string{"devnet", "--tx-rate", "-1"},
			wantErr: "--tx-rate -1: want 0 (none) to 100 transfers a second"},
		{name: "devnet: transfers too often", args: []string{"devnet", "--tx-rate", "1000"},
			wantErr: "--tx-rate 1000: want 0 (none) to 100"},
		{name: "wallet: send with nowhere to send", args: []string{"wallet", "send", "--amount", "1"},
			wantErr: `Required flag "to" not set`},
		{name: "wallet: balance of two", args: []string{"wallet", "balance", "a", "b"},
			wantErr: "balance takes one ADDRESS at most"},
		{name: "wallet: balance of no address", args: []string{"wallet", "balance", "pc1x"},
			wantErr: "the address: invalid address"},
		{name: "status: no node", args: []string{"status", "--api", "127.0.0.1:1"}, wantErr: "no node answers at 127.0.0.1:1"},
		{name: "sim: no nodes", args: []string{"sim", "-n", "0"}, wantErr: "-n 0: want 1 to 100000 nodes"},
		{name: "sim: more seeds than nodes", args: []string{"sim", "-n", "2", "--seeds", "3"}, wantErr: "--seeds 3: want 1 to 2"},
		{name: "sim: a bad latency", args: []string{"sim", "--latency", "slow"}, wantErr: `latency "slow"`},
		{name: "sim: a bad crash", args: []string{"sim", "--crash", "soon"}, wantErr: `--crash "soon": want TIME:COUNT`},
		{name: "sim: crashing the seeds too", args: []string{"sim", "-n", "10", "--crash", "1s:9"}, wantErr: "only 7 are not seeds"},
		{name: "sim: a restart with no crash", args: []string{"sim", "--restart", "1s"}, wantErr: "--restart needs --crash"},
		{name: "sim: a fault after the end", args: []string{"sim", "--partition", "1h"}, wantErr: "not within --duration 5m0s"},
		{name: "sim: a negative seed timeout", args: []string{"sim", "--seed-timeout", "-1s"}, wantErr: "--seed-timeout -1s: must not be negative"},
		{name: "node: a negative seed timeout", args: []string{"node", "--datadir", "x", "--seed-timeout", "-1s"}, wantErr: "must not be negative"},
		{name: "sim: loss over 1", args: []string{"sim", "-n", "3", "--loss", "2"}, wantErr: "Loss 2"},
		{name: "node: a lab the node does not run", args: []string{"node", "--datadir", "x", "--lab", "04"},
			wantErr: "--lab 04: the node runs the labs of chapters 05"},
		{name: "devnet: a lab not started", args: []string{"devnet", "--lab", "06"},
			wantErr: "--lab 06 runs your LabPolicy from exercises/06-broadcast, but LabPolicy.Route is not attempted yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := commandtest.Run(t, run, append([]string{"peerchain"}, tt.args...)...)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestSim(t *testing.T) {
	args := []string{"peerchain", "sim", "-n", "60", "--seeds", "2", "--every", "10s"}
	out, err := commandtest.Run(t, run, args...)
	require.NoError(t, err)
	assert.Contains(t, out, "60 nodes, 2 seeds, latency log-normal, median 40ms, sigma 0.5, loss 0, rand 1")
	assert.NotContains(t, out, "node59", "more than 20 nodes: totals only")
	assert.Regexp(t, `every node ready by \d+s of virtual time`, out)
	again, err := commandtest.Run(t, run, args...)
	require.NoError(t, err)
	assert.Equal(t, out, again, "the same flags give the same run")
}

func TestSimSmallShowsTheTable(t *testing.T) {
	out, err := commandtest.Run(t, run, "peerchain", "sim", "-n", "5", "--seeds", "1", "--seed-timeout", "1s")
	require.NoError(t, err)
	assert.Contains(t, out, "NODE     TYPE  PEERS  OUT   IN   BOOK N/T  BANS  ITEMS  MEMPOOL HEIGHT TIP      INTERVAL REORGS  LISTEN\nnode0    full      4", "the devnet's table")
	assert.Regexp(t, `  sim-4\nat \d+s: 5 of 5 nodes up, 5 ready; peers min 4, median 4, max 4`, out)
}

func TestSimFaults(t *testing.T) {
	out, err := commandtest.Run(t, run, "peerchain", "sim", "-n", "40", "--seeds", "2", "--every", "10s",
		"--crash", "20s:10", "--restart", "40s", "--partition", "25s", "--heal", "35s")
	require.NoError(t, err)
	for _, want := range []string{
		"at 20s: crash 10 nodes",
		"at 20s: 30 of 40 nodes up",
		"at 25s: partition nodes 0-19 | the rest",
		"at 35s: heal",
		"at 40s: restart 10 nodes",
		"every node ready by",
	} {
		assert.Contains(t, out, want)
	}
	assert.Less(t, strings.Index(out, "crash 10"), strings.Index(out, "restart 10"))
}
