package peers

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	wire "peerchain/chapters/02-wire"
)

// docs:begin reasons

// Why a peer was disconnected. New returns one when the handshake fails,
// and Err returns one once the peer has closed, wrapped with detail: test
// for them with errors.Is.
var (
	// The handshake. ErrTooManyPeers: cfg.Connected is full.
	ErrSelfConnection      = errors.New("connected to ourselves")
	ErrDuplicateConnection = errors.New("already connected to this node")
	ErrHandshakeTimeout    = errors.New("handshake timed out")
	ErrVersionTooOld       = errors.New("protocol version too old")
	ErrTooManyPeers        = errors.New("too many peers")
	// Before the handshake completes, anything but version, then up to
	// MaxFeatureMessages feature messages, then verack; after it, a
	// second version or verack, or a feature message.
	ErrUnexpectedMessage = errors.New("unexpected message")

	// Bytes that are not a message for us. ErrMalformed wraps the
	// *wire.Error, which says what is wrong and at which byte.
	ErrWrongNetwork = errors.New("wrong network")
	ErrMalformed    = errors.New("malformed message")

	// A peer that stopped answering, or reads too slowly.
	ErrIdleTimeout = errors.New("idle timeout")
	ErrPingTimeout = errors.New("ping timeout")
	ErrSlowPeer    = errors.New("peer too slow to read")

	// Endings nobody did wrong.
	ErrRemoteClosed = errors.New("peer hung up")
	ErrClosed       = errors.New("closed by us")
)

// docs:end reasons

// docs:begin read-error

// readError turns a failed read into a reason to disconnect. timeout is
// what a missed read deadline means: ErrHandshakeTimeout during the
// handshake, ErrIdleTimeout after it.
func readError(err, timeout error) error {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return timeout
	case err == io.EOF: // between two messages: a clean hang-up
		return ErrRemoteClosed
	case errors.Is(err, syscall.ECONNRESET): // our data was unread
		return fmt.Errorf("%w: connection reset", ErrRemoteClosed)
	case errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrClosedPipe):
		return ErrClosed // someone closed our end
	case errors.Is(err, wire.ErrBadMagic):
		return fmt.Errorf("%w: %w", ErrWrongNetwork, err)
	case errors.As(err, new(*wire.Error)):
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return fmt.Errorf("%w: %w", ErrRemoteClosed, err)
}

// docs:end read-error

// writeError turns a failed write into a reason to disconnect. A write
// that misses its deadline means the peer is not reading.
func writeError(err error, limit time.Duration) error {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("%w: a write took over %v", ErrSlowPeer, limit)
	case errors.Is(err, net.ErrClosed):
		return ErrClosed
	}
	return fmt.Errorf("%w: %w", ErrRemoteClosed, err)
}
