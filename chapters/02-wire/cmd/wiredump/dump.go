package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	wire "peerchain/chapters/02-wire"
)

// dumpHex decodes text as hex, ignoring whitespace, and dumps the bytes.
func dumpHex(text string, p *printer) error {
	digits := strings.Join(strings.Fields(text), "")
	b, err := hex.DecodeString(digits)
	var bad hex.InvalidByteError
	switch {
	case errors.As(err, &bad):
		return fmt.Errorf("hex digit %d is %q, not a hex digit",
			strings.IndexByte(digits, byte(bad))+1, string([]byte{byte(bad)}))
	case errors.Is(err, hex.ErrLength):
		return fmt.Errorf("%d hex digits: an odd number, so one is missing or extra", len(digits))
	}
	return dump(bytes.NewReader(b), p)
}

// dump decodes the messages in r, one after another, and prints each. It
// returns at the end of the input, or at the first bad message with an
// error that says at which byte of the input it went wrong. A message with
// a command it does not know is shown undecoded, and the dump goes on.
func dump(r io.Reader, p *printer) error {
	reg, err := wire.NewRegistry(wire.BaseMessages()...)
	if err != nil {
		return err
	}
	start, count := 0, 0 // where the next message starts; messages so far
	for {
		h, err := readHeader(r)
		if err == io.EOF {
			p.summary(count, start)
			return nil
		}
		if err != nil {
			return at(start, err)
		}
		count++
		p.header(count, start, h)

		var payload bytes.Buffer // a copy, to show an unknown payload
		msg, n, err := wire.ReadPayload(io.TeeReader(r, &payload), h, reg)
		switch {
		case errors.Is(err, wire.ErrUnknownCommand):
			p.undecoded(payload.Bytes())
		case err != nil:
			return at(start, err)
		default:
			p.fields(h, msg)
		}
		start += wire.HeaderSize + n
	}
}

// readHeader reads a message header. Unlike wire.ReadHeader, it checks the
// magic first, against every network wiredump knows: in bytes that are
// not a message at all, a bad magic is the thing to report.
func readHeader(r io.Reader) (wire.Header, error) {
	var raw [wire.HeaderSize]byte
	n, err := io.ReadFull(r, raw[:])
	if n >= len(wire.Magic{}) {
		if m := wire.Magic(raw[:]); wire.NetworkName(m) == "unknown" {
			return wire.Header{}, &wire.Error{Offset: 0, Err: fmt.Errorf(
				"%w: %v is no network wiredump knows", wire.ErrBadMagic, m)}
		}
	}
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return wire.Header{}, &wire.Error{Offset: n, Err: err}
	}
	return wire.ReadHeader(bytes.NewReader(raw[:n]))
}

// at turns an error in the message that starts at byte start of the input
// into one that names the byte of the input, as a reader of a dump wants.
func at(start int, err error) error {
	var werr *wire.Error
	if errors.As(err, &werr) {
		return fmt.Errorf("byte %d: %w", start+werr.Offset, werr.Err)
	}
	return fmt.Errorf("byte %d: %w", start, err)
}
