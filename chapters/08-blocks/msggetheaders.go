package blocks

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	wire "peerchain/chapters/02-wire"
)

// CmdGetHeaders is the command of MsgGetHeaders.
const CmdGetHeaders = "getheaders"

// Limits of a getheaders message.
const (
	// MaxLocator is the most hashes a locator may hold (Bitcoin's
	// MAX_LOCATOR_SZ): ten at the tip, then doubling steps back, reach
	// genesis from any height in far fewer.
	MaxLocator = 101
	// MaxGetHeadersPayload is the largest getheaders payload.
	MaxGetHeadersPayload = 4 + 1 + MaxLocator*HashSize + HashSize
)

// ErrLocatorSize is a locator of more than MaxLocator hashes.
var ErrLocatorSize = errors.New("locator too long")

// docs:begin msg-getheaders

// MsgGetHeaders asks for headers after the first of Locator's hashes
// that the receiver has on its chain, up to Stop (zero: as many as one
// headers message holds). Locator goes back from the sender's tip, so
// the first one found is where the two chains part.
type MsgGetHeaders struct {
	Version uint32 // the sender's protocol version, as Bitcoin's
	Locator []Hash
	Stop    Hash
}

// docs:end msg-getheaders

func (m *MsgGetHeaders) Command() string    { return CmdGetHeaders }
func (m *MsgGetHeaders) MaxPayload() uint32 { return MaxGetHeadersPayload }
func (m *MsgGetHeaders) String() string {
	return fmt.Sprintf("getheaders (%d, stop %s)", len(m.Locator), m.Stop.Short())
}

// Encode writes the version, a CompactSize count and the locator's
// hashes, and the stop hash. It refuses more than MaxLocator hashes,
// and then writes nothing.
func (m *MsgGetHeaders) Encode(w io.Writer) error {
	if len(m.Locator) > MaxLocator {
		return fmt.Errorf("%w: %d, limit %d", ErrLocatorSize, len(m.Locator), MaxLocator)
	}
	b := binary.LittleEndian.AppendUint32(make([]byte, 0, MaxGetHeadersPayload), m.Version)
	b = appendCompactSize(b, uint64(len(m.Locator)))
	for _, h := range m.Locator {
		b = append(b, h[:]...)
	}
	b = append(b, m.Stop[:]...)
	_, err := w.Write(b)
	return err
}

// Decode reads what Encode wrote; a count over MaxLocator is refused
// before a hash is read.
func (m *MsgGetHeaders) Decode(r io.Reader) error {
	var v [4]byte
	if _, err := io.ReadFull(r, v[:]); err != nil {
		return unexpected(err)
	}
	m.Version = binary.LittleEndian.Uint32(v[:])
	n, err := wire.ReadCompactSize(r)
	if err != nil {
		return err
	}
	if n > MaxLocator {
		return fmt.Errorf("%w: %d, limit %d", ErrLocatorSize, n, MaxLocator)
	}
	m.Locator = nil
	if n > 0 {
		m.Locator = make([]Hash, n) // at most MaxLocator
	}
	for i := range m.Locator {
		if _, err := io.ReadFull(r, m.Locator[i][:]); err != nil {
			return fmt.Errorf("locator %d: %w", i, unexpected(err))
		}
	}
	if _, err := io.ReadFull(r, m.Stop[:]); err != nil {
		return fmt.Errorf("stop: %w", unexpected(err))
	}
	return nil
}
