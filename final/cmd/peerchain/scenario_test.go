package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/final/api"
	"peerchain/final/node"
	"peerchain/tools/command/commandtest"
)

// TestDevnetPartitionAndHeal: a devnet with a miner on each side of a
// partition forks into two branches, each confirming a transfer sent on
// its side; after the heal every node is on one tip, the most work's,
// and both transfers are on it: the losing side's went back to its
// mempool and was mined again.
func TestDevnetPartitionAndHeal(t *testing.T) {
	t.Parallel() // its own processes, ports and directory
	const n = 4
	cmd, out, dir := startDevnet(t, "-n", fmt.Sprint(n), "--miners", "2", "--tx-rate", "0", "--items-every", "0")
	ends := endpoints(t, dir, n)
	devnetCmd := func(args ...string) string {
		t.Helper()
		got, err := commandtest.Run(t, run, append([]string{"peerchain", "devnet"}, args...)...)
		require.NoError(t, err, got)
		return got
	}
	var sts []api.Status
	eventually(t, "every node past height 3, on one tip", 60*time.Second, func() bool {
		var ok bool
		sts, ok = statuses(ends)
		return ok && sts[0].Height >= 3 && oneTip(sts)
	})

	cut := devnetCmd("partition", "--dir", dir, "0,2", "1,3")
	assert.Contains(t, cut, "node0 cut off from node1, node3\n")
	assert.Contains(t, cut, "node3 cut off from node0, node2\n")
	split := sts[0].Height
	eventually(t, "two branches, each 3 blocks past the split", 90*time.Second, func() bool {
		var ok bool
		sts, ok = statuses(ends)
		return ok && sts[0].Tip == sts[2].Tip && sts[1].Tip == sts[3].Tip && sts[0].Tip != sts[1].Tip &&
			sts[0].Height >= split+3 && sts[1].Height >= split+3
	})

	// A transfer on each side, from wallets no miner is paid to.
	payee := node.DevnetKey(9).Address().String()
	for _, side := range []struct{ wallet, node int }{{3, 0}, {4, 1}} {
		key := filepath.Join(dir, "wallets", fmt.Sprintf("wallet-%d.key", side.wallet))
		_, err := commandtest.Run(t, run, "peerchain", "wallet", "send", "--wallet", key,
			"--datadir", filepath.Join(dir, fmt.Sprintf("node%d", side.node)), "--to", payee, "--amount", "7")
		require.NoError(t, err)
	}
	confirmed := func(e node.Endpoints, wallet int) bool {
		var a api.Account
		err := getJSON(context.Background(), e.API, "/accounts/"+walletAddr(wallet), &a)
		return err == nil && a.Nonce == 1
	}
	eventually(t, "each side mines its transfer", 60*time.Second, func() bool {
		return confirmed(ends[2], 3) && confirmed(ends[3], 4)
	})
	sts, _ = statuses(ends)
	require.NotEqual(t, sts[0].Tip, sts[1].Tip, "still apart")
	reorgsBefore := totalReorgs(sts)

	healed := devnetCmd("heal", "--dir", dir)
	assert.Contains(t, healed, "node0 reconnects to node1, node3\n")
	eventually(t, "one tip with both transfers on it, everywhere", 90*time.Second, func() bool {
		var ok bool
		sts, ok = statuses(ends)
		if !ok || !oneTip(sts) {
			return false
		}
		for _, e := range ends {
			if !confirmed(e, 3) || !confirmed(e, 4) {
				return false
			}
		}
		return true
	})
	assert.Greater(t, totalReorgs(sts), reorgsBefore, "a side reorganised onto the other's branch")
	for i, s := range sts {
		assert.Zero(t, s.Bans, "node%d: the partition's bans are lifted", i)
	}
	assert.Contains(t, devnetCmd("heal", "--dir", dir), "no partition to heal")

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait())
	assert.Contains(t, out.String(), fmt.Sprintf("%d of %d nodes stopped cleanly", n, n))
}

// oneTip says whether every node has the same tip.
func oneTip(sts []api.Status) bool {
	for _, s := range sts {
		if s.Tip != sts[0].Tip {
			return false
		}
	}
	return true
}

func totalReorgs(sts []api.Status) int {
	total := 0
	for _, s := range sts {
		total += s.Reorgs
	}
	return total
}

// TestPartitionArgs: the groups must name every node once.
func TestPartitionArgs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []int
		err  string
	}{
		{"two groups", []string{"0,1", "2,3,4"}, []int{0, 0, 1, 1, 1}, ""},
		{"by name, three groups", []string{"node0", "node1,node3", "2,4"}, []int{0, 1, 2, 1, 2}, ""},
		{"one group", []string{"0,1,2,3,4"}, nil, "want two groups or more"},
		{"a node twice", []string{"0,1", "1,2,3,4"}, nil, "node1 is in two groups"},
		{"a node left out", []string{"0,1", "2,3"}, nil, "node4 is in no group"},
		{"no such node", []string{"0,1", "2,3,4,5"}, nil, `"5" is not a node of this devnet (0 to 4)`},
		{"not a number", []string{"0,x", "1,2,3,4"}, nil, `"x" is not a node`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseGroups(tt.args, 5)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	assert.Equal(t, "0,2,4 1,3", evenOdd(5))
}

// TestDevnetKillAndRestart: the operator kills a node, which stays
// down; restarts it, and it comes back where it was and catches up.
func TestDevnetKillAndRestart(t *testing.T) {
	t.Parallel() // its own processes, ports and directory
	cmd, out, dir := startDevnet(t, "-n", "3", "--tx-rate", "0", "--items-every", "0")
	ends := endpoints(t, dir, 3)
	ctl := func(args ...string) (string, error) {
		return commandtest.Run(t, run, append([]string{"peerchain", "devnet"}, args...)...)
	}
	eventually(t, "node2 past height 2", 60*time.Second, func() bool {
		st, err := nodeStatus(ends[2].API)
		return err == nil && st.Height >= 2
	})

	said, err := ctl("kill", "--dir", dir, "2")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("node2 killed (pid %d)\n", ends[2].PID), said)
	assert.False(t, alive(ends[2].PID))
	_, err = ctl("kill", "--dir", dir, "node2")
	assert.ErrorContains(t, err, "node2 is down already")
	_, err = ctl("kill", "--dir", dir, "7")
	assert.ErrorContains(t, err, "no node7: the nodes are node0 to node2")
	_, err = ctl("restart", "--dir", dir, "1")
	assert.ErrorContains(t, err, "node1 is running (pid")
	eventually(t, "the devnet reports node2 down", 10*time.Second, func() bool {
		return strings.Contains(out.String(), "node2 * died: signal: killed")
	})

	said, err = ctl("restart", "--dir", dir, "2")
	require.NoError(t, err)
	assert.Equal(t, "node2 restarting on "+ends[2].Listen+"\n", said)
	eventually(t, "node2 back, at node0's height", 30*time.Second, func() bool {
		e, err := node.ReadEndpoints(filepath.Join(dir, "node2"))
		if err != nil || e.PID == ends[2].PID {
			return false
		}
		st0, err0 := nodeStatus(ends[0].API)
		st2, err2 := nodeStatus(e.API)
		return err0 == nil && err2 == nil && st2.Height >= st0.Height && st2.Listen == ends[2].Listen
	})

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait())
	assert.Contains(t, out.String(), "3 of 3 nodes stopped cleanly")
	_, err = ctl("kill", "--dir", dir, "1")
	assert.ErrorContains(t, err, "no devnet runs on "+dir)
}
