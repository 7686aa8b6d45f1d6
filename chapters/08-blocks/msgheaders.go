package blocks

import (
	"errors"
	"fmt"
	"io"

	wire "peerchain/chapters/02-wire"
)

// CmdHeaders is the command of MsgHeaders.
const CmdHeaders = "headers"

// Limits of a headers message, Bitcoin's.
const (
	// MaxHeadersPerMsg is the most headers one message carries
	// (Bitcoin's MAX_HEADERS_RESULTS).
	MaxHeadersPerMsg = 2000
	// headerEntrySize is a header and the transaction count after it.
	headerEntrySize = HeaderSize + 1
	// MaxHeadersPayload is the largest headers payload.
	MaxHeadersPayload = 3 + MaxHeadersPerMsg*headerEntrySize
)

// Errors of the headers messages.
var (
	ErrTooManyHeaders = errors.New("too many headers")
	ErrHeaderTxCount  = errors.New("a header's transaction count is not 0")
)

// docs:begin msg-headers

// MsgHeaders carries headers, oldest first: the answer to getheaders,
// or a new block's announcement to a peer that sent sendheaders. On
// the wire each header is followed by a transaction count that is
// always 0, because Bitcoin's headers message reuses its block
// encoding with no transactions.
type MsgHeaders struct{ Headers []Header }

// docs:end msg-headers

func (m *MsgHeaders) Command() string    { return CmdHeaders }
func (m *MsgHeaders) MaxPayload() uint32 { return MaxHeadersPayload }
func (m *MsgHeaders) String() string     { return fmt.Sprintf("headers (%d)", len(m.Headers)) }

// Encode writes a CompactSize count and the headers, each with its 0.
// It refuses more than MaxHeadersPerMsg, and then writes nothing.
func (m *MsgHeaders) Encode(w io.Writer) error {
	if len(m.Headers) > MaxHeadersPerMsg {
		return fmt.Errorf("%w: %d, limit %d", ErrTooManyHeaders, len(m.Headers), MaxHeadersPerMsg)
	}
	b := appendCompactSize(make([]byte, 0, 3+len(m.Headers)*headerEntrySize),
		uint64(len(m.Headers)))
	for i := range m.Headers {
		h := m.Headers[i].Bytes()
		b = append(append(b, h[:]...), 0)
	}
	_, err := w.Write(b)
	return err
}

// Decode reads what Encode wrote. A count over MaxHeadersPerMsg is
// refused before a header is read, and the list grows as headers
// arrive.
func (m *MsgHeaders) Decode(r io.Reader) error {
	n, err := wire.ReadCompactSize(r)
	if err != nil {
		return err
	}
	if n > MaxHeadersPerMsg {
		return fmt.Errorf("%w: %d, limit %d", ErrTooManyHeaders, n, MaxHeadersPerMsg)
	}
	m.Headers = nil
	var b [headerEntrySize]byte
	for i := range n {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return fmt.Errorf("header %d: %w", i, unexpected(err))
		}
		if b[HeaderSize] != 0 {
			return fmt.Errorf("header %d: %w: %#02x", i, ErrHeaderTxCount, b[HeaderSize])
		}
		h, _ := ParseHeader(b[:HeaderSize]) // 80 bytes: cannot fail
		m.Headers = append(m.Headers, h)
	}
	return nil
}
