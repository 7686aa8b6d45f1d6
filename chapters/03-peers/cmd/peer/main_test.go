package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/fatih/color"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	wire "peerchain/chapters/02-wire"
)

const waitTimeout = 5 * time.Second

func TestMain(m *testing.M) {
	color.NoColor = true // a global: set once, before any demo runs
	goleak.VerifyTestMain(m)
}

// process is one run of the command, in-process: its output arrives on
// lines, and result gets what run returned.
type process struct {
	lines  chan string
	result chan error
	cancel context.CancelFunc // Ctrl-C
	seen   []string
}

// start runs the command with args until the test ends.
func start(t *testing.T, args ...string) *process {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	p := &process{lines: make(chan string, 100), result: make(chan error, 1), cancel: cancel}
	go func() {
		p.result <- run(ctx, append([]string{"peer"}, args...), outW)
		outW.Close()
	}()
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		defer close(p.lines)
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		cancel()
		for range p.lines { // drain, so that run can finish printing
		}
		<-scanned
	})
	return p
}

// expect waits for an output line matching re and returns its groups.
func (p *process) expect(t *testing.T, re string) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	timeout := time.After(waitTimeout)
	for {
		select {
		case line, ok := <-p.lines:
			require.True(t, ok, "the demo ended; it printed %q", p.seen)
			p.seen = append(p.seen, line)
			if m := rx.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-timeout:
			t.Fatalf("no line matching %q within %v; saw %q", re, waitTimeout, p.seen)
		}
	}
}

// expectAll waits until each of res has matched an output line, in any
// order: for lines two goroutines print at about the same time.
func (p *process) expectAll(t *testing.T, res ...string) {
	t.Helper()
	left := map[string]*regexp.Regexp{}
	for _, re := range res {
		left[re] = regexp.MustCompile(re)
	}
	timeout := time.After(waitTimeout)
	for len(left) > 0 {
		select {
		case line, ok := <-p.lines:
			require.True(t, ok, "the demo ended; it printed %q", p.seen)
			p.seen = append(p.seen, line)
			for re, rx := range left {
				if rx.MatchString(line) {
					delete(left, re)
				}
			}
		case <-timeout:
			t.Fatalf("no lines matching %q within %v; saw %q", left, waitTimeout, p.seen)
		}
	}
}

// end waits for run to return, and returns its error.
func (p *process) end(t *testing.T) error {
	t.Helper()
	select {
	case err := <-p.result:
		return err
	case <-time.After(waitTimeout):
		t.Fatalf("the demo is still running after %v; it printed %q", waitTimeout, p.seen)
		return nil
	}
}

// freeAddr returns a loopback address with a port the operating system
// picked as free: it listened there, and stopped.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

const listening = `^listening on (127\.0\.0\.1:\d+): peerchain devnet, nonce (0x[0-9a-f]{16})`

// TestTwoPeers runs the demo of the docs page: one node listens, another
// dials it, and both see the handshake and round trips; the dialer quits
// after three and leaves a recording of what it received.
func TestTwoPeers(t *testing.T) {
	capture := filepath.Join(t.TempDir(), "capture.bin")
	a := start(t, "--listen", "127.0.0.1:0", "--ping-interval", "10ms")
	m := a.expect(t, listening)
	addrA, nonceA := m[1], m[2]
	b := start(t, "--connect", addrA, "--pings", "3", "--ping-interval", "10ms", "--record", capture)

	b.expect(t, `^dialing `+regexp.QuoteMeta(addrA))
	b.expect(t, `^\+ `+regexp.QuoteMeta(addrA)+` connected \(we dialed\): "/peerchain:0\.1/", version 1, nonce `+nonceA+`, listens on `+regexp.QuoteMeta(addrA))
	for range 3 {
		b.expect(t, `^  `+regexp.QuoteMeta(addrA)+` round trip \d+(\.\d+)?(µs|ms)$`)
	}
	b.expect(t, `disconnected: closed by us$`)
	b.expect(t, `^stopped$`)
	assert.NoError(t, b.end(t))

	a.expect(t, `^\+ 127\.0\.0\.1:\d+ connected \(they dialed\): .*, does not listen$`)
	a.expect(t, `round trip`)
	// "peer hung up", and sometimes ": connection reset by peer" when b
	// hung up with a ping from a still unread.
	a.expect(t, `disconnected: peer hung up`)
	a.cancel()
	a.expect(t, `^stopped$`)
	assert.NoError(t, a.end(t))

	// The recording is what b received from a: a's version, its
	// verack, then pings and pongs.
	f, err := os.Open(capture)
	require.NoError(t, err)
	defer f.Close()
	reg, err := wire.NewRegistry(wire.BaseMessages()...)
	require.NoError(t, err)
	var got []string
	for {
		msg, _, err := wire.ReadMessage(f, wire.DevNet, reg)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		got = append(got, msg.Command())
		if v, ok := msg.(*wire.MsgVersion); ok {
			assert.Equal(t, nonceA, fmt.Sprintf("0x%016x", v.Nonce), "a's nonce")
		}
	}
	require.GreaterOrEqual(t, len(got), 5, "version, verack and three pongs at least")
	assert.Equal(t, []string{"version", "verack"}, got[:2])
	assert.Subset(t, got[2:], []string{"ping", "pong"})
}

// TestWrongNetwork runs two demos on different networks: the side that
// was dialed names the problem; the side that dialed sees the connection
// close, and quits with an error.
func TestWrongNetwork(t *testing.T) {
	a := start(t, "--listen", "127.0.0.1:0")
	addr := a.expect(t, listening)[1]
	b := start(t, "--connect", addr, "--network", "testnet")
	b.expect(t, `^x `+regexp.QuoteMeta(addr)+` handshake failed \(we dialed\): peer hung up`)
	assert.ErrorContains(t, b.end(t), "no handshake with "+addr)
	a.expect(t, `handshake failed \(they dialed\): wrong network: byte 0: bad magic: `+
		`fda7c9e3 \(peerchain test\), want fc8ed5b6 \(peerchain devnet\)`)
}

// TestSelfConnection dials the demo's own listener: its inbound side
// finds its own nonce in the version, and its outbound side sees the
// connection close. The listener serves on.
func TestSelfConnection(t *testing.T) {
	addr := freeAddr(t)
	p := start(t, "--listen", addr, "--connect", addr)
	nonce := p.expect(t, listening)[2]
	p.expectAll(t,
		`handshake failed \(they dialed\): connected to ourselves: our nonce `+nonce+` came back`,
		`handshake failed \(we dialed\): peer hung up`)
	p.cancel()
	p.expect(t, `^stopped$`)
	assert.NoError(t, p.end(t))
}

func TestBadUse(t *testing.T) {
	closedAddr := freeAddr(t) // nobody listens there
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "nothing to do", wantErr: "give --listen, --connect, or both"},
		{name: "an unknown network", args: []string{"--listen", "127.0.0.1:0", "--network", "bitcoin"}, wantErr: `--network "bitcoin"`},
		{name: "pings without a dial", args: []string{"--listen", "127.0.0.1:0", "--pings", "2"}, wantErr: "--pings counts round trips"},
		{name: "a bad listen address", args: []string{"--listen", "127.0.0.1:notaport"}, wantErr: "notaport"},
		{name: "nobody listening", args: []string{"--connect", closedAddr}, wantErr: "no connection to " + closedAddr},
		{name: "a ping interval over the idle timeout", args: []string{"--connect", closedAddr, "--ping-interval", "1h"}, wantErr: "IdleTimeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := start(t, tt.args...)
			assert.ErrorContains(t, p.end(t), tt.wantErr)
		})
	}
}
