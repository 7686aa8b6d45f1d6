package main

import (
	"errors"
	"io"
	"log"
	"net"
	"time"

	"github.com/fatih/color"

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
)

// Colours say who a line is about: a peer we dialed, a peer that dialed
// us, or the node itself. Red is for what went wrong.
var (
	dialedColor   = color.New(color.FgCyan)
	dialedUsColor = color.New(color.FgMagenta)
	nodeColor     = color.New(color.Faint)
	wrongColor    = color.New(color.FgRed)
)

// printer writes the demo's output. Peers report from goroutines of their
// own; a log.Logger writes each line in one piece, so lines never mix.
type printer struct {
	log *log.Logger
}

func newPrinter(out io.Writer) *printer {
	return &printer{log: log.New(out, "", 0)}
}

func (p *printer) line(c *color.Color, format string, args ...any) {
	p.log.Print(c.Sprintf(format, args...))
}

func (p *printer) info(format string, args ...any) { p.line(nodeColor, format, args...) }

func (p *printer) error(err error) { p.line(wrongColor, "error: %v", err) }

func (p *printer) listening(addr net.Addr, cfg peers.Config) {
	p.info("listening on %s: %s, nonce 0x%016x (Ctrl-C quits)",
		addr, wire.NetworkName(cfg.Magic), cfg.Nonce)
}

// connected says who the peer is, as its version message told us.
func (p *printer) connected(peer *peers.Peer) {
	info := peer.Info()
	p.labConnected(info.RemoteAddr, info.Inbound, info.Version)
}

// labConnected is connected, for a connection --lab runs.
func (p *printer) labConnected(remote net.Addr, inbound bool, v wire.MsgVersion) {
	listens := "does not listen"
	if v.AddrFrom.Addr.Port() != 0 {
		listens = "listens on " + v.AddrFrom.Addr.String()
	}
	p.line(peerColor(inbound), "+ %s connected (%s): %q, version %d, nonce 0x%016x, %s",
		remote, direction(inbound), v.UserAgent, v.ProtocolVersion, v.Nonce, listens)
}

func (p *printer) roundTrip(peer *peers.Peer, rtt time.Duration) {
	info := peer.Info()
	p.labRoundTrip(info.RemoteAddr, info.Inbound, rtt)
}

func (p *printer) labRoundTrip(remote net.Addr, inbound bool, rtt time.Duration) {
	p.line(peerColor(inbound), "  %s round trip %v", remote, rtt.Round(time.Microsecond))
}

func (p *printer) disconnected(peer *peers.Peer) {
	info := peer.Info()
	p.labDisconnected(info.RemoteAddr, info.Inbound, peer.Err())
}

func (p *printer) labDisconnected(remote net.Addr, inbound bool, err error) {
	p.log.Print(peerColor(inbound).Sprintf("- %s disconnected: ", remote) + reason(err))
}

// failed reports a connection that never became a peer.
func (p *printer) failed(addr string, inbound bool, err error) {
	what := "handshake failed (" + direction(inbound) + ")"
	if op := new(net.OpError); errors.As(err, &op) && op.Op == "dial" {
		what = "dial failed"
	}
	p.log.Print(peerColor(inbound).Sprintf("x %s %s: ", addr, what) + reason(err))
}

// reason says why a connection ended: plainly when nobody did wrong, in
// red when something did. It follows a coloured prefix, not inside it, so
// that the two colours do not nest.
func reason(err error) string {
	if errors.Is(err, peers.ErrRemoteClosed) || errors.Is(err, peers.ErrClosed) {
		return err.Error()
	}
	return wrongColor.Sprint(err)
}

func peerColor(inbound bool) *color.Color {
	if inbound {
		return dialedUsColor
	}
	return dialedColor
}

func direction(inbound bool) string {
	if inbound {
		return "they dialed"
	}
	return "we dialed"
}
