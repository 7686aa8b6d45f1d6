package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"peerchain/tools/command/commandtest"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	labpeers "peerchain/exercises/03-peers"
	"peerchain/tools/exercise"
)

const waitTimeout = 5 * time.Second

func TestMain(m *testing.M) { commandtest.Main(m) }

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
	b.expect(t, `^\+ `+regexp.QuoteMeta(addrA)+` connected \(we dialed\): "/peerchain:0\.1/", version \d+, nonce `+nonceA+`, listens on `+regexp.QuoteMeta(addrA))
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

// TestLabNotAttempted: with Step a stub, --lab says so and stops.
func TestLabNotAttempted(t *testing.T) {
	useStep(t, func(s labpeers.State, inbound bool, cmd string) (labpeers.State, []string, error) {
		exercise.NotAttempted()
		return s, nil, nil
	})
	p := start(t, "--listen", "127.0.0.1:0", "--lab")
	err := p.end(t)
	assert.ErrorContains(t, err, "--lab runs your Step from exercises/03-peers, but")
	assert.ErrorContains(t, err, "is not attempted yet: write it in exercises/")
}

// TestLab runs the handshake of a --lab demo with a Step that works
// against a demo that runs the chapter's own: they shake hands and ping,
// whichever side dialed; and a Step that refuses a verack stops it.
func TestLab(t *testing.T) {
	tests := []struct {
		name      string
		labDials  bool
		step      func(labpeers.State, bool, string) (labpeers.State, []string, error)
		wantLab   []string // lines the lab side prints, in order
		wantOther string   // a line the chapter's side prints
	}{
		{name: "the lab dials", labDials: true, step: labTestStep,
			wantLab: []string{`connected \(we dialed\): "/peerchain`, `round trip`, `round trip`, `disconnected: closed by us`}, wantOther: `disconnected: peer hung up`},
		{name: "the lab is dialed", step: labTestStep,
			wantLab: []string{`connected \(they dialed\)`, `disconnected: peer hung up`}, wantOther: `round trip`},
		{name: "a Step that fails the handshake", labDials: true,
			step: func(s labpeers.State, inbound bool, cmd string) (labpeers.State, []string, error) {
				return s, nil, fmt.Errorf("%w: %s (a test's Step)", labpeers.ErrUnexpected, cmd)
			},
			wantLab: []string{`handshake failed \(we dialed\): your Step: unexpected message: version \(a test's Step\)`}, wantOther: `handshake failed \(they dialed\)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			useStep(t, tt.step)
			if tt.labDials {
				other := start(t, "--listen", "127.0.0.1:0", "--ping-interval", "10ms")
				addr := other.expect(t, listening)[1]
				lab := start(t, "--connect", addr, "--pings", "2", "--ping-interval", "10ms", "--lab")
				lab.expect(t, `^lab: your Step`)
				for _, re := range tt.wantLab {
					lab.expect(t, re)
				}
				other.expect(t, tt.wantOther)
				return
			}
			lab := start(t, "--listen", "127.0.0.1:0", "--ping-interval", "10ms", "--lab")
			lab.expect(t, `^lab: your Step`)
			addr := lab.expect(t, listening)[1]
			other := start(t, "--connect", addr, "--pings", "2", "--ping-interval", "10ms")
			for _, re := range tt.wantLab {
				lab.expect(t, re)
			}
			other.expect(t, tt.wantOther)
			assert.NoError(t, other.end(t))
		})
	}
}

// labTestStep is a Step that works, for the tests of --lab.
func labTestStep(s labpeers.State, inbound bool, cmd string) (labpeers.State, []string, error) {
	next := s
	switch {
	case s.Phase == labpeers.AwaitVersion && cmd == wire.CmdVersion:
		next.Phase = labpeers.AwaitVerAck
		if inbound {
			return next, []string{wire.CmdVersion, wire.CmdVerAck}, nil
		}
		return next, []string{wire.CmdVerAck}, nil
	case s.Phase == labpeers.AwaitVerAck && cmd == wire.CmdVerAck:
		next.Phase = labpeers.Ready
		return next, nil, nil
	case s.Phase == labpeers.AwaitVerAck && cmd != wire.CmdVersion:
		next.Features++
		return next, nil, nil
	case s.Phase == labpeers.Ready && cmd != wire.CmdVersion && cmd != wire.CmdVerAck:
		return s, nil, nil
	}
	return s, nil, fmt.Errorf("%w: %s", labpeers.ErrUnexpected, cmd)
}

func useStep(t *testing.T, step func(labpeers.State, bool, string) (labpeers.State, []string, error)) {
	saved := labStep
	labStep = step
	t.Cleanup(func() { labStep = saved })
}

func TestRecordPath(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "a bare name goes in the temporary directory", in: "capture.bin", want: filepath.Join(os.TempDir(), "capture.bin")},
		{name: "a relative path is kept", in: "./capture.bin", want: "./capture.bin"},
		{name: "an absolute path is kept", in: "/var/tmp/x.bin", want: "/var/tmp/x.bin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, recordPath(tt.in))
		})
	}
}

// TestRecordIsBounded reads more than MaxRecordBytes through a recorded
// connection: all of it reaches the reader, the file keeps the first
// MaxRecordBytes.
func TestRecordIsBounded(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "rec.bin"))
	require.NoError(t, err)
	rec := &recorder{file: f}
	a, b := net.Pipe()
	const total = MaxRecordBytes + 12345
	go func() {
		defer a.Close()
		chunk := make([]byte, 4096)
		for sent := 0; sent < total; sent += len(chunk) {
			a.Write(chunk[:min(len(chunk), total-sent)])
		}
	}()
	n, err := io.Copy(io.Discard, rec.wrap(b))
	require.NoError(t, err)
	require.NoError(t, rec.close())
	assert.EqualValues(t, total, n, "bytes the reader got")
	info, err := os.Stat(f.Name())
	require.NoError(t, err)
	assert.EqualValues(t, MaxRecordBytes, info.Size(), "bytes recorded")
	assert.True(t, rec.full)
}
