package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fatih/color"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const waitTimeout = 5 * time.Second

func TestMain(m *testing.M) {
	color.NoColor = true // a global: set once, before chats run
	os.Exit(m.Run())
}

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
			tt.from.waitFor(t, `sent to 2 peers`)
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
