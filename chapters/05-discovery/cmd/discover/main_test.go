package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"peerchain/tools/command/commandtest"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// asCommand, set to 1 in the environment, makes the test binary the
// discover command: the five-process test runs this very binary, so it
// needs no second build.
const asCommand = "GO_TEST_RUNS_DISCOVER"

func TestMain(m *testing.M) {
	if os.Getenv(asCommand) == "1" {
		main()
		return
	}
	os.Setenv(asCommand, "1") // for the processes the tests start
	commandtest.Main(m)
}

func TestRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "seed not an address", args: []string{"-seed", "localhost"}, wantErr: `-seed "localhost": want IP:PORT`},
		{name: "no outbound", args: []string{"-outbound", "0"}, wantErr: "-outbound 0: at least 1"},
		{name: "listen on nothing", args: []string{"-listen", "256.0.0.1:1"}, wantErr: "256.0.0.1"},
		{name: "lab not attempted", args: []string{"-lab"}, wantErr: "Backoff is not attempted yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"discover"}, tt.args...), &out)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

// proc is one demo process and the lines it printed.
type proc struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	done  chan struct{} // its output ended
}

func (p *proc) last(re *regexp.Regexp) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.lines) - 1; i >= 0; i-- {
		if m := re.FindStringSubmatch(p.lines[i]); m != nil {
			return m
		}
	}
	return nil
}

func (p *proc) output() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines...)
}

func startProc(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	p.cmd.Stderr = p.cmd.Stdout
	require.NoError(t, p.cmd.Start())
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
		}
		io.Copy(io.Discard, out)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill() // if the test did not stop it
		<-p.done
		p.cmd.Wait()
	})
	return p
}

// waitFor polls until cond holds, failing the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, limit)
		}
		<-tick.C
	}
}

var (
	listening = regexp.MustCompile(`^listening on (127\.0\.0\.1:\d+)`)
	peerLine  = regexp.MustCompile(`\| out (\d+): .* \| in (\d+): `)
)

// TestFiveProcesses starts five real processes on loopback, one the
// seed, and waits until each reaches its outbound target, or has every
// other node as a peer already (in a network of five a node that the
// other four all dialed first has nobody left to dial). Then Ctrl-C
// stops each one.
func TestFiveProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo and runs five processes")
	}
	const nodes, target = 5, 2
	bin, err := os.Executable()
	require.NoError(t, err)

	common := []string{"-outbound", strconv.Itoa(target), "-seed-interval", "500ms"}
	seed := startProc(t, bin, append(common, "-listen", "127.0.0.1:0")...)
	var seedAddr string
	waitFor(t, 30*time.Second, "the seed listens", func() bool {
		m := seed.last(listening)
		if m != nil {
			seedAddr = m[1]
		}
		return m != nil
	})
	procs := []*proc{seed}
	for range nodes - 1 {
		procs = append(procs, startProc(t, bin, append(common, "-listen", "127.0.0.1:0", "-seed", seedAddr)...))
	}

	waitFor(t, 60*time.Second, "every node reaches its target", func() bool {
		for _, p := range procs {
			m := p.last(peerLine)
			if m == nil {
				return false
			}
			outN, _ := strconv.Atoi(m[1])
			inN, _ := strconv.Atoi(m[2])
			if outN < target && outN+inN < nodes-1 {
				return false
			}
		}
		return true
	})
	for _, p := range procs {
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	}
	for i, p := range procs {
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("process %d did not stop; it printed %q", i, p.output())
		}
		assert.NoError(t, p.cmd.Wait(), "process %d exits cleanly", i)
		lines := p.output()
		assert.Equal(t, "stopped", lines[len(lines)-1])
	}
}
