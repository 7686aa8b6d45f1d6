package wire

import (
	"errors"
	"fmt"
)

// Errors the decoders and encoders return, wrapped with detail. Test for
// them with errors.Is. A stream that ends early surfaces as
// io.ErrUnexpectedEOF, or as io.EOF when it ends cleanly between messages.
var (
	ErrBadMagic         = errors.New("bad magic")
	ErrBadCommand       = errors.New("bad command")
	ErrUnknownCommand   = errors.New("unknown command")
	ErrDuplicateCommand = errors.New("command already registered")
	ErrPayloadTooLarge  = errors.New("payload too large")
	ErrBadChecksum      = errors.New("bad checksum")
	ErrNonCanonical     = errors.New("non-canonical encoding")
	ErrTrailingBytes    = errors.New("trailing bytes")
	ErrTooLong          = errors.New("too long") // a var bytes or string
)

// docs:begin error

// Error is how ReadMessage, ReadHeader and ReadPayload report a failure:
// what went wrong, and where.
type Error struct {
	// Offset is the byte, counted from the start of the message, where
	// the problem is: the start of a bad header field; where the input
	// ended, for a short read; where the payload decoder stopped, for a
	// bad payload.
	Offset  int
	Command string // the command, once the header has been read
	Err     error  // wraps one of this package's Err values, or I/O's
}

func (e *Error) Error() string {
	if e.Command == "" {
		return fmt.Sprintf("byte %d: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("%s message, byte %d: %v",
		e.Command, e.Offset, e.Err)
}

// docs:end error

// Unwrap lets errors.Is and errors.As see the cause.
func (e *Error) Unwrap() error { return e.Err }
