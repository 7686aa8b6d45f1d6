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
)

// BaseMessages returns the factories of this chapter's messages: version,
// verack, ping and pong. Later chapters register theirs beside them.
func BaseMessages() []func() Message {
	return []func() Message{
		func() Message { return new(MsgVersion) },
		func() Message { return new(MsgVerAck) },
		func() Message { return new(MsgPing) },
		func() Message { return new(MsgPong) },
	}
}
