package main

import (
	"bytes"
	"context"
	"net"
	"peerchain/tools/command/commandtest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

// wait bounds every wait in these tests; nodes on loopback take
// milliseconds.
const wait = 10 * time.Second

// output is a node's stdout, line by line, for a test to wait on.
type output struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string // every complete line; bounded by maxLines
}

// maxLines bounds the lines a test node may print before a test reads
// them.
const maxLines = 256

func newOutput() *output { return &output{lines: make(chan string, maxLines)} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	for {
		line, err := o.buf.ReadString('\n')
		if err != nil {
			o.buf.WriteString(line) // not complete yet
			return len(p), nil
		}
		select {
		case o.lines <- strings.TrimSuffix(line, "\n"):
		default: // a test that reads nothing more does not block the node
		}
	}
}

// waitFor returns the first line, from here on, that matches re.
func (o *output) waitFor(t *testing.T, re string) []string {
	t.Helper()
	pattern := regexp.MustCompile(re)
	deadline := time.After(wait)
	var seen []string
	for {
		select {
		case line := <-o.lines:
			if m := pattern.FindStringSubmatch(line); m != nil {
				return m
			}
			seen = append(seen, line)
		case <-deadline:
			t.Fatalf("no line matching %q within %v; saw:\n%s", re, wait, strings.Join(seen, "\n"))
		}
	}
}

// startNode runs the command in the test's process until the test ends,
// and returns its output and the address it listens on.
func startNode(t *testing.T, args ...string) (*output, string) {
	t.Helper()
	out := newOutput()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"gossipnode", "-round", "20ms"}, args...), out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(wait):
			t.Errorf("node did not stop within %v", wait)
		}
	})
	addr := out.waitFor(t, `listening on (\S+)$`)[1]
	return out, addr
}

// TestGossip: three nodes in a line, the rumor starting at one end,
// reaches the other end, through the middle.
func TestGossip(t *testing.T) {
	first, a := startNode(t, "-origin", "hello")
	first.waitFor(t, `learned the rumor "hello" at the start`)
	second, b := startNode(t, "-peer", a)
	third, _ := startNode(t, "-peer", b)

	second.waitFor(t, `peer \d+ connected: `+regexp.QuoteMeta(a)+` \(dialed, /peerchain:0\.1/, height 0\)`)
	got := third.waitFor(t, `learned the rumor "(.*)" from peer 1 \((.*)\)`)
	assert.Equal(t, []string{"hello", b}, got[1:])
}

// TestGossipRedials: a -peer that is not up yet is dialed again until it
// is.
func TestGossipRedials(t *testing.T) {
	ln := reserve(t)
	out, _ := startNode(t, "-peer", ln, "-redial", "10ms")
	out.waitFor(t, `dial `+regexp.QuoteMeta(ln)+` failed`)
	startNode(t, "-listen", ln, "-origin", "late")
	out.waitFor(t, `learned the rumor "late" from peer \d+ \(`+regexp.QuoteMeta(ln)+`\)`)
}

// reserve returns a loopback address that nothing listens on, for a node
// the test starts later. (Another process could take the port meanwhile;
// on a test machine's loopback that does not happen in milliseconds.)
func reserve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestGossipRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "peer", args: []string{"-peer", "localhost"}, wantErr: `-peer "localhost": want IP:PORT`},
		{name: "fanout", args: []string{"-fanout", "0"}, wantErr: "-fanout, -round and -redial must be positive"},
		{name: "rounds", args: []string{"-rounds", "-1"}, wantErr: "-rounds must not be negative"},
		{name: "origin", args: []string{"-origin", strings.Repeat("x", 257)}, wantErr: "-origin is 257 bytes, at most 256"},
		{name: "listen", args: []string{"-listen", "nowhere"}, wantErr: "missing port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"gossipnode"}, tt.args...), &out)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}
