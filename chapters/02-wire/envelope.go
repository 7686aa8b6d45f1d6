package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The envelope. Bitcoin Core's limit is 4,000,000 bytes; peerchain rounds
// it to 4 MiB.
const (
	HeaderSize  = 24      // magic, command, length, checksum
	CommandSize = 12      // the command, NUL-padded
	MaxPayload  = 4 << 20 // no message of any kind is larger (4 MiB)
)

// Where each header field starts.
const (
	magicOffset    = 0
	commandOffset  = 4
	lengthOffset   = 16
	checksumOffset = 20
)

// docs:begin header

// Header is a decoded envelope header: the 24 bytes before every payload.
//
//	offset  size  field
//	     0     4  magic     the network
//	     4    12  command   ASCII, NUL-padded: "ping\0\0\0\0\0\0\0\0"
//	    16     4  length    of the payload, little-endian
//	    20     4  checksum  first 4 bytes of SHA-256(SHA-256(payload))
//	    24     …  payload   length bytes
type Header struct {
	Magic    Magic
	Command  string
	Length   uint32
	Checksum [4]byte
}

// docs:end header

// ReadHeader reads a header and checks its command and that its length is
// within MaxPayload. It does not check the magic: ReadMessage does, since
// it knows which network it expects. A stream that ends before the first
// byte returns io.EOF; other errors are *Error.
func ReadHeader(r io.Reader) (Header, error) {
	raw, n, err := readHeaderBytes(r)
	if err != nil {
		return Header{}, headerReadError(n, err)
	}
	return parseHeader(raw)
}

// docs:begin read-message

// ReadMessage reads one message from r for the network magic, and
// returns it with the number of bytes read. It checks every header field
// before it trusts any: the magic, the command, the length against the
// message type's limit, then the checksum against the payload, and
// finally that the payload decodes with no byte left over. A stream that
// ends before the first byte returns io.EOF; every other failure is an
// *Error, which says where it happened.
func ReadMessage(r io.Reader, magic Magic,
	reg *Registry) (Message, int, error) {
	raw, n, err := readHeaderBytes(r)
	if err != nil {
		return nil, n, headerReadError(n, err)
	}
	if got := Magic(raw[:4]); got != magic {
		return nil, n, &Error{Offset: magicOffset, Err: fmt.Errorf(
			"%w: %v (%s), want %v (%s)", ErrBadMagic,
			got, NetworkName(got), magic, NetworkName(magic))}
	}
	h, err := parseHeader(raw)
	if err != nil {
		return nil, n, err
	}
	msg, k, err := ReadPayload(r, h, reg)
	return msg, n + k, err
}

// docs:end read-message

// docs:begin read-payload

// ReadPayload reads the payload that h announces and decodes it into the
// message type reg has for h.Command. It returns the number of payload
// bytes read. Offsets in its errors count from the start of the message,
// header included.
//
// An unknown command is skipped: its payload is read and thrown away
// before ReadPayload returns ErrUnknownCommand. The stream is then at the
// next message, so a caller may ignore the message and go on, as Bitcoin
// nodes do so that new message types can be added to a running network.
func ReadPayload(r io.Reader, h Header,
	reg *Registry) (Message, int, error) {
	fail := func(offset int, err error) *Error {
		return &Error{Offset: offset, Command: h.Command, Err: err}
	}
	if h.Length > MaxPayload {
		return nil, 0, fail(lengthOffset, fmt.Errorf("%w: header "+
			"claims %d bytes, limit %d", ErrPayloadTooLarge,
			h.Length, MaxPayload))
	}
	msg, err := reg.New(h.Command)
	if err != nil {
		n, err := io.CopyN(io.Discard, r, int64(h.Length))
		if err != nil {
			return nil, int(n), fail(HeaderSize+int(n),
				payloadReadError(int(n), h.Length, err))
		}
		return nil, int(n), fail(commandOffset, ErrUnknownCommand)
	}
	if limit := msg.MaxPayload(); h.Length > limit {
		return nil, 0, fail(lengthOffset, fmt.Errorf("%w: header "+
			"claims %d bytes, a %s has at most %d",
			ErrPayloadTooLarge, h.Length, h.Command, limit))
	}
	payload, got, err := readPayload(r, int(h.Length))
	if err != nil {
		return nil, got, fail(HeaderSize+got,
			payloadReadError(got, h.Length, err))
	}
	if sum := Checksum(payload); sum != h.Checksum {
		return nil, len(payload), fail(checksumOffset, fmt.Errorf(
			"%w: header says %x, payload hashes to %x",
			ErrBadChecksum, h.Checksum, sum))
	}
	if at, err := decodePayload(msg, payload); err != nil {
		return nil, len(payload), fail(at, err)
	}
	return msg, len(payload), nil
}

// docs:end read-payload

// docs:begin decode-payload

// decodePayload decodes payload into msg, and fails unless every byte of
// it was used: a message has exactly one encoding. It also returns where,
// counted from the start of the message, decoding stopped.
func decodePayload(msg Message, payload []byte) (int, error) {
	r := &payloadReader{b: payload}
	err := msg.Decode(r)
	at := HeaderSize + len(payload) - r.Len()
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return at, fmt.Errorf("%w: the %d-byte payload ends inside "+
			"a field", io.ErrUnexpectedEOF, len(payload))
	case err != nil:
		return at, err
	case r.Len() > 0:
		return at, fmt.Errorf("%w: %d bytes after the last field",
			ErrTrailingBytes, r.Len())
	}
	return at, nil
}

// docs:end decode-payload

// docs:begin write-message

// WriteMessage encodes msg, wraps it in an envelope for the network magic,
// and writes both with one Write, so that a message is never split
// between writers. It returns the number of bytes written. It refuses to
// send what a peer would reject: a bad command, or a payload over the
// message type's limit.
func WriteMessage(w io.Writer, magic Magic, msg Message) (int, error) {
	cmd := msg.Command()
	if err := checkCommand(cmd); err != nil {
		return 0, err
	}
	// Encode after room for the header, then fill the header in.
	buf := bytes.NewBuffer(make([]byte, HeaderSize))
	if err := msg.Encode(buf); err != nil {
		return 0, fmt.Errorf("encode %s: %w", cmd, err)
	}
	b := buf.Bytes()
	payload := b[HeaderSize:]
	limit := min(msg.MaxPayload(), MaxPayload)
	if len(payload) > int(limit) {
		return 0, fmt.Errorf("%w: %s of %d bytes, limit %d",
			ErrPayloadTooLarge, cmd, len(payload), limit)
	}
	copy(b[magicOffset:], magic[:])
	copy(b[commandOffset:lengthOffset], cmd) // the rest stays NUL
	binary.LittleEndian.PutUint32(b[lengthOffset:], uint32(len(payload)))
	sum := Checksum(payload)
	copy(b[checksumOffset:], sum[:])
	return w.Write(b)
}

// docs:end write-message

// EncodedSize returns HeaderSize plus the length of msg's payload, without
// keeping the payload: Encode writes to a counter. For a message that
// fails to encode, it counts what Encode wrote before failing.
func EncodedSize(msg Message) int {
	var c byteCounter
	_ = msg.Encode(&c) // a failure only stops the count
	return HeaderSize + int(c)
}

// byteCounter is an io.Writer that counts and forgets.
type byteCounter int

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}

// readHeaderBytes reads the raw header and how many bytes of it arrived.
func readHeaderBytes(r io.Reader) ([HeaderSize]byte, int, error) {
	var raw [HeaderSize]byte
	n, err := io.ReadFull(r, raw[:])
	return raw, n, err
}

// headerReadError describes a failure to read a header of which n bytes
// arrived. io.EOF with nothing read is a clean end between messages, and
// stays io.EOF.
func headerReadError(n int, err error) error {
	if err == io.EOF {
		return io.EOF
	}
	if err == io.ErrUnexpectedEOF {
		err = fmt.Errorf("%w: the header ends after %d of %d bytes",
			io.ErrUnexpectedEOF, n, HeaderSize)
	}
	return &Error{Offset: n, Err: err}
}

// payloadReadError describes a failure after n of want payload bytes.
func payloadReadError(n int, want uint32, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: the payload ends after %d of %d bytes",
			io.ErrUnexpectedEOF, n, want)
	}
	return err
}

// parseHeader decodes the header fields after the magic and checks them.
func parseHeader(raw [HeaderSize]byte) (Header, error) {
	cmd, at, err := parseCommand([CommandSize]byte(
		raw[commandOffset:lengthOffset]))
	if err != nil {
		return Header{}, &Error{Offset: commandOffset + at, Err: err}
	}
	h := Header{
		Magic:    Magic(raw[magicOffset:commandOffset]),
		Command:  cmd,
		Length:   binary.LittleEndian.Uint32(raw[lengthOffset:]),
		Checksum: [4]byte(raw[checksumOffset:]),
	}
	if h.Length > MaxPayload {
		return Header{}, &Error{Offset: lengthOffset, Command: cmd,
			Err: fmt.Errorf("%w: header claims %d bytes, limit %d",
				ErrPayloadTooLarge, h.Length, MaxPayload)}
	}
	return h, nil
}
