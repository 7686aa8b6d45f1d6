package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"peerchain/tools/command/commandtest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	labsockets "peerchain/exercises/01-sockets"
	"peerchain/tools/exercise"
)

const waitTimeout = 5 * time.Second

func TestMain(m *testing.M) { commandtest.Main(m) }

// chatProcess is one chat run in-process, with a keyboard and a screen.
type chatProcess struct {
	keyboard *io.PipeWriter
	screen   chan string // output lines
	stop     context.CancelFunc
	done     chan error
}

func startChat(t *testing.T, args ...string) *chatProcess {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	p := &chatProcess{keyboard: inW, screen: make(chan string, 100), stop: cancel, done: make(chan error, 1)}
	go func() {
		p.done <- run(ctx, append([]string{"chat"}, args...), inR, outW)
		outW.Close()
	}()
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			p.screen <- sc.Text()
		}
		close(p.screen)
	}()
	t.Cleanup(func() {
		cancel()
		inW.Close()
		select {
		case <-p.done:
		case <-time.After(waitTimeout):
			t.Errorf("chat did not stop within %v", waitTimeout)
		}
	})
	return p
}

// waitFor returns the first screen line matching re, and its groups.
func (p *chatProcess) waitFor(t *testing.T, re string) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(waitTimeout)
	var seen []string
	for {
		select {
		case line, ok := <-p.screen:
			require.True(t, ok, "chat exited; it printed %q", seen)
			if m := rx.FindStringSubmatch(line); m != nil {
				return m
			}
			seen = append(seen, line)
		case <-deadline:
			t.Fatalf("no line matching %q within %v; saw %q", re, waitTimeout, seen)
		}
	}
}

func (p *chatProcess) typeLine(t *testing.T, line string) {
	t.Helper()
	_, err := io.WriteString(p.keyboard, line+"\n")
	require.NoError(t, err)
}

const listening = `listening on (127\.0\.0\.1:\d+)`

func TestThreeChats(t *testing.T) {
	a := startChat(t, "-listen", "127.0.0.1:0")
	addrA := a.waitFor(t, listening)[1]
	b := startChat(t, "-listen", "127.0.0.1:0", "-peer", addrA)
	addrB := b.waitFor(t, listening)[1]
	c := startChat(t, "-listen", "127.0.0.1:0", "-peer", addrA, "-peer", addrB)
	c.waitFor(t, listening)
	a.waitFor(t, `connected \(they dialed\)`)
	a.waitFor(t, `connected \(they dialed\)`)
	b.waitFor(t, `connected \(they dialed\)`)
	c.waitFor(t, `connected \(we dialed\)`)
	c.waitFor(t, `connected \(we dialed\)`)

	tests := []struct {
		name    string
		from    *chatProcess
		line    string
		readers []*chatProcess
	}{
		{name: "from a", from: a, line: "hello from a", readers: []*chatProcess{b, c}},
		{name: "from c", from: c, line: "hello from c", readers: []*chatProcess{a, b}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.from.typeLine(t, tt.line)
			tt.from.waitFor(t, `sent to 2 peers$`)
			for _, r := range tt.readers {
				r.waitFor(t, `> `+regexp.QuoteMeta(tt.line)+`$`)
			}
		})
	}

	t.Run("peers command", func(t *testing.T) {
		a.typeLine(t, "/peers")
		a.waitFor(t, `^2 peers: 127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+$`)
	})
	t.Run("stop", func(t *testing.T) {
		c.stop()
		c.waitFor(t, `^stopped$`)
		a.waitFor(t, `disconnected: peer hung up`)
		b.waitFor(t, `disconnected: peer hung up`)
	})
}

func TestChatErrors(t *testing.T) {
	// A port nobody listens on: listen, note the port, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedAddr := ln.Addr().String()
	require.NoError(t, ln.Close())

	tests := []struct {
		name   string
		args   []string
		input  string
		wantRe string
	}{
		{name: "dial refused keeps running", args: []string{"-peer", closedAddr}, wantRe: `error: dial tcp 127\.0\.0\.1:\d+: .*refused`},
		{name: "no peers", input: "hello", wantRe: `not sent: no peers connected`},
		{name: "bad connect", input: "/connect nowhere", wantRe: `error: dial tcp: address nowhere: missing port`},
		{name: "help", input: "/help", wantRe: `/peers lists connections`},
		{name: "no peers to list", input: "/peers", wantRe: `^no peers$`},
		{name: "an unknown command is not sent", input: "/frobnicate now", wantRe: `error: unknown command /frobnicate, not sent`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startChat(t, append([]string{"-listen", "127.0.0.1:0"}, tt.args...)...)
			p.waitFor(t, listening)
			if tt.input != "" {
				p.typeLine(t, tt.input)
			}
			p.waitFor(t, tt.wantRe)
		})
	}
}

func TestChatBadListenAddress(t *testing.T) {
	err := run(context.Background(), []string{"chat", "-listen", "127.0.0.1:notaport"}, strings.NewReader(""), io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "notaport")
}

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "plain text", in: "hello, world", want: "hello, world"},
		{name: "unicode is kept", in: "grüße ✓", want: "grüße ✓"},
		{name: "clear screen", in: "\x1b[2Jgotcha", want: `\x1b[2Jgotcha`},
		{name: "terminal title", in: "\x1b]0;pwned\x07", want: `\x1b]0;pwned\a`},
		{name: "tab and carriage return", in: "a\tb\rc", want: `a\tb\rc`},
		{name: "a C1 control", in: "\u009b2J", want: `\u009b2J`},
		{name: "invalid UTF-8", in: "\xff\xfe", want: `\xff\xfe`},
		{name: "a backslash, so escapes are not ambiguous", in: `\x1b`, want: `\\x1b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, escape(tt.in))
		})
	}
}

// TestPeerTextIsEscaped sends an escape sequence from a raw client: the
// chat shows it escaped.
func TestPeerTextIsEscaped(t *testing.T) {
	p := startChat(t, "-listen", "127.0.0.1:0")
	addr := p.waitFor(t, listening)[1]
	conn := dialChat(t, addr)
	p.waitFor(t, `connected \(they dialed\)`)
	_, err := io.WriteString(conn, "\x1b[2Jhi\n")
	require.NoError(t, err)
	p.waitFor(t, `> \\x1b\[2Jhi$`)
}

func TestOneRecipient(t *testing.T) {
	p := startChat(t, "-listen", "127.0.0.1:0")
	addr := p.waitFor(t, listening)[1]
	dialChat(t, addr)
	p.waitFor(t, `connected \(they dialed\)`)
	p.typeLine(t, "hello")
	p.waitFor(t, `^sent to 1 peer$`)
	p.typeLine(t, "//slash")
	p.waitFor(t, `^sent to 1 peer$`)
}

// dialChat connects a raw client, as nc does, closed when the test ends.
func dialChat(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}

// readLineFrom reads one line a raw client got, within the wait timeout.
func readLineFrom(t *testing.T, r *bufio.Reader, conn net.Conn) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(waitTimeout))
	line, err := r.ReadString('\n')
	require.NoError(t, err)
	return strings.TrimSuffix(line, "\n")
}

// TestLabNotAttempted runs -lab on stubs: the chat says so, plainly, and
// runs on without relaying.
func TestLabNotAttempted(t *testing.T) {
	stub := func() { exercise.NotAttempted() }
	useLabParts(t, labParts{
		relay:    func(string, string, []labsockets.Outbox) []string { stub(); return nil },
		newPeers: func(int) peerTable { stub(); return nil },
	})
	p := startChat(t, "-listen", "127.0.0.1:0", "-lab")
	p.waitFor(t, `^lab: .* is not attempted yet: write it in exercises/`)
	p.waitFor(t, `^lab: .* is not attempted yet: write it in exercises/`)
	addr := p.waitFor(t, listening)[1]
	dialChat(t, addr)
	p.waitFor(t, `connected \(they dialed\)`)
	p.typeLine(t, "/peers")
	p.waitFor(t, `^1 peer: 127\.0\.0\.1:\d+$`)
}

// TestLab runs -lab with a Relay and a PeerSet that work: two raw clients
// of one chat talk to each other through it.
func TestLab(t *testing.T) {
	var mu sync.Mutex
	var seen []string // every address the PeerSet was given
	useLabParts(t, labParts{
		relay: func(line, from string, outboxes []labsockets.Outbox) (slow []string) {
			for _, o := range outboxes {
				if o.Peer != from {
					o.Lines <- line
				}
			}
			return nil
		},
		newPeers: func(int) peerTable { return &labTestPeers{seen: &seen, mu: &mu} },
	})
	p := startChat(t, "-listen", "127.0.0.1:0", "-lab")
	p.waitFor(t, `^lab: your Relay relays lines`)
	p.waitFor(t, `^lab: your PeerSet holds the table of peers`)
	addr := p.waitFor(t, listening)[1]
	a := dialChat(t, addr)
	p.waitFor(t, `connected \(they dialed\)`)
	b := dialChat(t, addr)
	p.waitFor(t, `connected \(they dialed\)`)

	_, err := io.WriteString(a, "hi b\n")
	require.NoError(t, err)
	p.waitFor(t, `> hi b$`)
	assert.Equal(t, "hi b", readLineFrom(t, bufio.NewReader(b), b), "b gets a's line through the relay")

	p.typeLine(t, "/peers")
	p.waitFor(t, `^2 peers \(your PeerSet\): 127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+$`)
	mu.Lock()
	assert.Contains(t, seen, a.LocalAddr().String())
	mu.Unlock()
}

// TestLabPeerSetRefuses: a connection the learner's PeerSet refuses is
// closed, and the chat says why.
func TestLabPeerSetRefuses(t *testing.T) {
	useLabParts(t, labParts{
		relay:    func(string, string, []labsockets.Outbox) []string { return nil },
		newPeers: func(max int) peerTable { return labFullPeers{} },
	})
	p := startChat(t, "-listen", "127.0.0.1:0", "-lab")
	addr := p.waitFor(t, listening)[1]
	conn := dialChat(t, addr)
	p.waitFor(t, `lab: your PeerSet refused 127\.0\.0\.1:\d+: peer set is full; closing it`)
	conn.SetReadDeadline(time.Now().Add(waitTimeout))
	_, err := conn.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF, "the chat closes the refused connection")
}

func useLabParts(t *testing.T, parts labParts) {
	saved := learnersParts
	learnersParts = parts
	t.Cleanup(func() { learnersParts = saved })
}

// labTestPeers is a PeerSet that works, and notes what it was given.
type labTestPeers struct {
	mu    *sync.Mutex
	seen  *[]string
	peers []string
}

func (s *labTestPeers) Add(addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	*s.seen = append(*s.seen, addr)
	s.peers = append(s.peers, addr)
	return nil
}

func (s *labTestPeers) Remove(addr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.Index(s.peers, addr)
	if i >= 0 {
		s.peers = slices.Delete(s.peers, i, i+1)
	}
	return i >= 0
}

func (s *labTestPeers) List() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(slices.Values(s.peers))
}

// labFullPeers is a PeerSet that is always full.
type labFullPeers struct{}

func (labFullPeers) Add(string) error   { return labsockets.ErrFull }
func (labFullPeers) Remove(string) bool { return false }
func (labFullPeers) List() []string     { return nil }
