package main

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/fatih/color"

	sockets "peerchain/chapters/01-sockets"
)

// peerColors gives each peer a colour of its own, so a conversation is
// easy to follow. Red is kept for errors.
var peerColors = []*color.Color{
	color.New(color.FgCyan),
	color.New(color.FgMagenta),
	color.New(color.FgYellow),
	color.New(color.FgBlue),
	color.New(color.FgGreen),
	color.New(color.FgHiCyan),
	color.New(color.FgHiMagenta),
	color.New(color.FgHiYellow),
}

var (
	infoColor  = color.New(color.Faint)
	warnColor  = color.New(color.FgYellow)
	errorColor = color.New(color.FgRed)
)

// printer writes the chat's output. The node calls event from many
// goroutines, so every write holds the lock: lines never interleave.
type printer struct {
	mu  sync.Mutex
	out io.Writer
}

func newPrinter(out io.Writer) *printer { return &printer{out: out} }

func (p *printer) println(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.out, s)
}

func (p *printer) info(format string, args ...any) {
	p.println(infoColor.Sprintf(format, args...))
}

func (p *printer) warn(format string, args ...any) {
	p.println(warnColor.Sprintf(format, args...))
}

func (p *printer) error(err error) {
	p.println(errorColor.Sprintf("error: %v", err))
}

// event prints what the node reports.
func (p *printer) event(e sockets.Event) {
	c := colorFor(e.Peer)
	switch e.Kind {
	case sockets.PeerConnected:
		how := "we dialed"
		if e.Inbound {
			how = "they dialed"
		}
		p.println(c.Sprintf("+ %s connected (%s)", e.Peer, how))
	case sockets.LineReceived:
		p.println(c.Sprintf("%s> ", e.Peer) + escape(e.Line))
	case sockets.PeerDisconnected:
		p.println(c.Sprintf("- %s disconnected: ", e.Peer) + reason(e.Err))
	case sockets.PeerRefused:
		p.println(c.Sprintf("x %s refused: ", e.Peer) + errorColor.Sprint(e.Err))
	}
}

// escape shows control bytes in a peer's line as Go escapes, so that
// what a peer sends cannot drive the terminal: ESC[2J would clear it, an
// OSC sequence would retitle it. Invalid UTF-8 is shown as \xNN too.
func escape(line string) string {
	var b strings.Builder
	for i, r := range line {
		switch {
		case r == utf8.RuneError && strings.HasPrefix(line[i:], "\uFFFD"):
			b.WriteRune(r) // a real U+FFFD
		case r == utf8.RuneError:
			fmt.Fprintf(&b, "\\x%02x", line[i])
		case unicode.IsControl(r) || r == '\\':
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// reason says why a connection closed, in words.
func reason(err error) string {
	switch {
	case errors.Is(err, io.EOF):
		return "peer hung up"
	case errors.Is(err, sockets.ErrNodeClosed):
		return "we shut down"
	}
	return errorColor.Sprint(err)
}

func colorFor(addr string) *color.Color {
	h := fnv.New32a()
	h.Write([]byte(addr))
	return peerColors[h.Sum32()%uint32(len(peerColors))]
}
