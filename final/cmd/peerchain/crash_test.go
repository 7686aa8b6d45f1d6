package main

import (
	"flag"
	"math/big"
	"math/rand/v2"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/final/api"
	"peerchain/final/node"
)

// kills is how many times TestKillNineLosesNoBlock kills its node: a
// few in a learner's run; .ci/run asks for 100.
var kills = flag.Int("kills", 5, "how many SIGKILLs TestKillNineLosesNoBlock deals (CI: 100)")

// TestKillNineLosesNoBlock kills a mining node with SIGKILL at random
// moments while it mines, takes blocks from two other miners,
// reorganises onto theirs and catches up after each restart. Each time
// it starts again it must open cleanly (every stored block is checked
// again as it loads) with at least the chain work it last reported:
// no block it had shown as accepted is lost.
func TestKillNineLosesNoBlock(t *testing.T) {
	t.Parallel() // its own processes, ports and directory
	_, _, dir := startDevnet(t, "-n", "2", "--miners", "2", "--tx-rate", "5", "--items-every", "0")
	ends := endpoints(t, dir, 2)
	r := rand.New(rand.NewPCG(uint64(*kills), 9)) // the moments, the same every run
	data := t.TempDir()
	var out syncBuffer
	start := func() (*exec.Cmd, node.Endpoints) {
		t.Helper()
		cmd := exec.Command(binary, "node", "--datadir", data, "--listen", "127.0.0.1:0",
			"--api", "127.0.0.1:0", "--seed", ends[0].Listen, "--seed", ends[1].Listen,
			"--mine", "--mine-to", walletAddr(5), "--no-color")
		cmd.Stdout, cmd.Stderr = &out, &out
		require.NoError(t, cmd.Start())
		var e node.Endpoints
		eventually(t, "the node opens and answers", 30*time.Second, func() bool {
			var err error
			e, err = node.ReadEndpoints(data)
			if err != nil || e.PID != cmd.Process.Pid {
				return false
			}
			_, err = nodeStatus(e.API)
			return err == nil
		})
		return cmd, e
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the killed node's output:\n%s", out.String())
		}
	})

	reported := new(big.Int) // the most work the node has shown
	reorgs, grew := 0, 0
	for i := range *kills {
		cmd, e := start()
		st, err := nodeStatus(e.API)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, work(t, st).Cmp(reported), 0,
			"kill %d: the node came back with %s of work, it had shown %x", i, st.ChainWork, reported)
		// Let it run a random moment: mining, relaying, reorganising.
		time.Sleep(time.Duration(r.IntN(600)) * time.Millisecond)
		if st, err = nodeStatus(e.API); err == nil {
			if w := work(t, st); w.Cmp(reported) > 0 {
				reported.Set(w)
				grew++
			}
			reorgs += st.Reorgs
		}
		require.NoError(t, syscall.Kill(cmd.Process.Pid, syscall.SIGKILL))
		_ = cmd.Wait()
	}
	cmd, e := start()
	st, err := nodeStatus(e.API)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, work(t, st).Cmp(reported), 0, "after the last kill")
	require.NoError(t, syscall.Kill(cmd.Process.Pid, syscall.SIGKILL))
	_ = cmd.Wait()
	assert.GreaterOrEqual(t, grew, max(1, *kills/10), "the chain grew between kills")
	t.Logf("%d kills: the node's work grew in %d of its runs, it reorganised %d times, it ends at height %d",
		*kills, grew, reorgs, st.Height)
}

// work is a status's chain work as a number.
func work(t *testing.T, st api.Status) *big.Int {
	t.Helper()
	w, ok := new(big.Int).SetString(st.ChainWork, 16)
	require.True(t, ok, "chain work %q", st.ChainWork)
	return w
}
