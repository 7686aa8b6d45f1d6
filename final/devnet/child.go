package devnet

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"peerchain/final/node"
)

// child is one node process.
type child struct {
	i      int
	cmd    *exec.Cmd
	stdin  io.WriteCloser // held open: the child stops when it closes
	exited chan struct{}  // closed once Wait has returned
	err    error          // Wait's, once exited is closed
	ends   node.Endpoints
	since  time.Time
	said   *lastLines // its last lines, for the error if it dies starting
}

// lineBufStart is a line reader's first buffer; it grows to
// MaxLineBytes for a long line.
const lineBufStart = 4 << 10

// maxLastLines is how many of a node's last lines a start failure
// quotes.
const maxLastLines = 3

// lastLines keeps the last few lines a node printed.
type lastLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *lastLines) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
	if len(l.lines) > maxLastLines {
		l.lines = l.lines[1:]
	}
}

func (l *lastLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, " / ")
}

// args are the flags of node i's `peerchain node`.
func (c Config) args(i int, listen, apiAddr string, seeds []string) []string {
	args := []string{"node", "--name", Name(i), "--datadir", c.nodeDir(i),
		"--listen", listen, "--api", apiAddr, "--seed-timeout", SeedTimeout.String(),
		"--watch-stdin", "--no-color"}
	for _, s := range seeds {
		args = append(args, "--seed", s)
	}
	if i < c.Miners {
		to := node.DevnetKey(MinerWallet(i)).Address()
		args = append(args, "--mine", "--mine-to", to.String(), "--mine-threads", "1")
	}
	return append(args, c.NodeArgs...)
}

// spawn starts node i and waits until it says where it listens.
func (c Config) spawn(i int, listen, apiAddr string, seeds []string) (*child, error) {
	dir := c.nodeDir(i)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// A node killed before left its file: it must not be mistaken
	// for this one's.
	os.Remove(filepath.Join(dir, node.EndpointsFile))
	cmd := exec.Command(c.Binary, c.args(i, listen, apiAddr, seeds)...)
	cmd.SysProcAttr = sysProcAttr()
	cmd.Env = childEnv()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout // one stream, in the order printed
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", Name(i), err)
	}
	ch := &child{i: i, cmd: cmd, stdin: stdin, exited: make(chan struct{}), since: time.Now(), said: &lastLines{}}
	var lines sync.WaitGroup
	lines.Add(1)
	go func() {
		defer lines.Done()
		c.readLines(i, stdout, ch.said.add)
	}()
	go func() {
		lines.Wait() // Wait closes the pipe: read it all first
		ch.err = cmd.Wait()
		close(ch.exited)
	}()
	if err := ch.awaitEndpoints(dir); err != nil {
		ch.kill()
		return nil, fmt.Errorf("%s did not start: %w", Name(i), err)
	}
	return ch, nil
}

// readLines hands each line of a node's output to OnLine, and to keep.
func (c Config) readLines(i int, r io.Reader, keep func(string)) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, lineBufStart), MaxLineBytes)
	for {
		for sc.Scan() {
			keep(sc.Text())
			c.OnLine(i, sc.Text())
		}
		if !errors.Is(sc.Err(), bufio.ErrTooLong) {
			io.Copy(io.Discard, r) // a read error: drain, so the child never blocks
			return
		}
		sc = bufio.NewScanner(r) // a line over the bound: go on with the rest
		sc.Buffer(make([]byte, 0, lineBufStart), MaxLineBytes)
	}
}

// awaitEndpoints waits until the child has written its endpoints file,
// or has exited, or StartTimeout has passed.
func (ch *child) awaitEndpoints(dir string) error {
	deadline := time.NewTimer(StartTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(endpointsPoll)
	defer tick.Stop()
	for {
		if e, err := node.ReadEndpoints(dir); err == nil && e.PID == ch.cmd.Process.Pid {
			ch.ends = e
			return nil
		}
		select {
		case <-ch.exited:
			if said := ch.said.String(); said != "" {
				return fmt.Errorf("it exited (%v), saying: %s", ch.err, said)
			}
			return fmt.Errorf("it exited: %v", ch.err)
		case <-deadline.C:
			return fmt.Errorf("no %s in %s after %v", node.EndpointsFile, dir, StartTimeout)
		case <-tick.C:
		}
	}
}

// childEnv is the devnet's environment for a node, less the PEERCHAIN_
// variables meant for the devnet itself (a PEERCHAIN_SEED would give
// the seed a seed): the devnet says what each node needs in flags.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PEERCHAIN_") {
			env = append(env, kv)
		}
	}
	return append(env, "NO_COLOR=1")
}

// interrupt asks the child to stop.
func (ch *child) interrupt() { _ = ch.cmd.Process.Signal(os.Interrupt) }

// kill stops the child at once and waits for it.
func (ch *child) kill() {
	_ = ch.cmd.Process.Kill()
	ch.stdin.Close()
	<-ch.exited
}
