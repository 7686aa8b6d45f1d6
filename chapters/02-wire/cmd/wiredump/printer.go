package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fatih/color"

	wire "peerchain/chapters/02-wire"
)

// Colours say what a thing is: the network (green for peerchain's, yellow
// for Bitcoin's), the command, and labels that stay in the background.
var (
	labelColor     = color.New(color.Faint)
	titleColor     = color.New(color.Bold)
	commandColor   = color.New(color.FgCyan, color.Bold)
	peerchainColor = color.New(color.FgGreen)
	bitcoinColor   = color.New(color.FgYellow)
	unknownColor   = color.New(color.FgRed)
)

// maxPayloadShown bounds how much of an undecoded payload is shown.
const maxPayloadShown = 32 // bytes

// printer writes the dump.
type printer struct {
	out io.Writer
}

func newPrinter(out io.Writer) *printer { return &printer{out: out} }

// field prints one labelled line.
func (p *printer) field(label, value string) {
	fmt.Fprintf(p.out, "  %s %s\n", labelColor.Sprintf("%-17s", label), value)
}

func (p *printer) header(n, start int, h wire.Header) {
	fmt.Fprintln(p.out, titleColor.Sprintf("message %d at byte %d", n, start))
	p.field("network", networkColor(h.Magic).Sprint(wire.NetworkName(h.Magic))+
		fmt.Sprintf(" (magic %v)", h.Magic))
	p.field("command", commandColor.Sprint(h.Command))
	p.field("length", fmt.Sprintf("%d bytes", h.Length))
	p.field("checksum", hex.EncodeToString(h.Checksum[:]))
}

// fields prints the fields of a decoded message.
func (p *printer) fields(h wire.Header, msg wire.Message) {
	switch m := msg.(type) {
	case *wire.MsgVersion:
		p.field("protocol version", fmt.Sprint(m.ProtocolVersion))
		p.field("services", fmt.Sprintf("%#x", m.Services))
		p.field("timestamp", fmt.Sprintf("%d (%s UTC)", m.Timestamp,
			time.Unix(m.Timestamp, 0).UTC().Format(time.DateTime)))
		p.field("addr recv", netAddress(m.AddrRecv))
		p.field("addr from", netAddress(m.AddrFrom))
		p.field("nonce", fmt.Sprintf("0x%016x", m.Nonce))
		p.field("user agent", fmt.Sprintf("%q", m.UserAgent))
		p.field("start height", fmt.Sprint(m.StartHeight))
		relay := fmt.Sprint(m.Relay)
		if int(h.Length) < wire.EncodedSize(m)-wire.HeaderSize {
			relay += " (not sent: a version from before BIP 37)"
		}
		p.field("relay", relay)
	case *wire.MsgPing:
		p.field("nonce", fmt.Sprintf("0x%016x", m.Nonce))
	case *wire.MsgPong:
		p.field("nonce", fmt.Sprintf("0x%016x", m.Nonce))
	case *wire.MsgVerAck:
		// The command is the whole message.
	default:
		p.field("fields", fmt.Sprintf("%+v", msg))
	}
}

// undecoded shows the start of a payload of a command wiredump does not
// know.
func (p *printer) undecoded(payload []byte) {
	shown := hex.EncodeToString(payload[:min(len(payload), maxPayloadShown)])
	switch {
	case len(payload) == 0:
		shown = "empty"
	case len(payload) > maxPayloadShown:
		shown += "…"
	}
	p.field("payload", shown+unknownColor.Sprint(" (unknown command: not decoded)"))
}

func (p *printer) summary(messages, bytes int) {
	plural := "s"
	if messages == 1 {
		plural = ""
	}
	fmt.Fprintf(p.out, "%d message%s, %d bytes\n", messages, plural, bytes)
}

func netAddress(a wire.NetAddress) string {
	return fmt.Sprintf("%v, services %#x", a.Addr, a.Services)
}

func networkColor(m wire.Magic) *color.Color {
	switch name := wire.NetworkName(m); {
	case strings.HasPrefix(name, "peerchain"):
		return peerchainColor
	case strings.HasPrefix(name, "bitcoin"):
		return bitcoinColor
	}
	return unknownColor
}
