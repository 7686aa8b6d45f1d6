package wire

import "io"

// docs:begin message

// Message is one type of message. Encode writes only the payload, and
// Decode reads only the payload: the envelope around it is WriteMessage's
// and ReadMessage's job. Every message type uses pointer receivers, and
// its factory returns a pointer: func() Message { return new(MsgPing) }.
type Message interface {
	// Command names the type on the wire: at most CommandSize visible
	// ASCII bytes.
	Command() string
	// MaxPayload is the largest payload this type may have. A header
	// that announces more is rejected before any payload is read.
	MaxPayload() uint32
	// Encode writes the payload to w.
	Encode(w io.Writer) error
	// Decode reads the payload from r, which ends where the payload
	// ends. A payload that ends early is io.ErrUnexpectedEOF.
	Decode(r io.Reader) error
}

// docs:end message

// Commands of the messages in this chapter.
const (
	CmdVersion = "version"
	CmdVerAck  = "verack"
	CmdPing    = "ping"
	CmdPong    = "pong"
	// Sent between version and verack, to negotiate a feature.
	CmdSendAddrV2 = "sendaddrv2"
	CmdWtxidRelay = "wtxidrelay"
)

// BaseMessages returns the factories of this chapter's messages: version,
// verack, ping and pong, then sendaddrv2 and wtxidrelay. Later chapters
// register theirs beside them.
//
// The two feature messages are base messages, although peerchain uses
// neither feature, because they belong to the handshake: Bitcoin nodes
// send them between version and verack. A node whose registry knows them
// can record what its peer asked for, and refuse one that comes after
// verack, as Bitcoin Core does; one that does not know them can only skip
// them as unknown.
func BaseMessages() []func() Message {
	return []func() Message{
		func() Message { return new(MsgVersion) },
		func() Message { return new(MsgVerAck) },
		func() Message { return new(MsgPing) },
		func() Message { return new(MsgPong) },
		func() Message { return new(MsgSendAddrV2) },
		func() Message { return new(MsgWtxidRelay) },
	}
}
