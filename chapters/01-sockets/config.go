// Package sockets is chapter 01: a chat node over raw TCP. It listens and
// dials, runs a reader and a writer goroutine for every connection, frames
// messages as newline-terminated lines with a maximum length, puts a
// deadline on every read and write, and shuts down cleanly when its context
// is cancelled.
package sockets

import (
	"errors"
	"fmt"
	"time"
)

// Limits on Config values, so a typo cannot ask for a 10 GiB line buffer.
const (
	MaxLineLengthLimit = 1 << 20 // 1 MiB
	MaxPeersLimit      = 1 << 16
	MaxOutboxLimit     = 1 << 16
)

// docs:begin config

// Config holds a node's limits and timeouts. Start from DefaultConfig.
type Config struct {
	// MaxLineLength is the longest line a node accepts or sends, in
	// bytes, not counting the final newline. A peer that sends a
	// longer line is disconnected.
	MaxLineLength int
	// IdleTimeout is how long a peer may send nothing before it is
	// disconnected. It is the read deadline.
	IdleTimeout time.Duration
	// WriteTimeout is how long writing one line may take. A peer that
	// reads slower than this is disconnected.
	WriteTimeout time.Duration
	// DialTimeout bounds connecting to a peer.
	DialTimeout time.Duration
	// OutboxSize is how many lines may wait to be written to one peer.
	// A peer whose outbox is full is too slow and is disconnected.
	OutboxSize int
	// MaxPeers bounds the open connections, inbound and outbound.
	MaxPeers int
}

// DefaultConfig returns the limits the chat demo uses.
func DefaultConfig() Config {
	return Config{
		MaxLineLength: 1024,             // a long chat message
		IdleTimeout:   10 * time.Minute, // a quiet chat is normal
		WriteTimeout:  10 * time.Second, // a healthy peer reads in ms
		DialTimeout:   5 * time.Second,  // loopback answers at once
		OutboxSize:    64,               // lines queued per peer
		MaxPeers:      32,               // connections in all
	}
}

// docs:end config

// ErrConfig is wrapped by every error validate returns.
var ErrConfig = errors.New("invalid config")

// validate rejects a Config that cannot work, naming the field.
func (c Config) validate() error {
	switch {
	case c.MaxLineLength < 1 || c.MaxLineLength > MaxLineLengthLimit:
		return fmt.Errorf("%w: MaxLineLength %d not in 1..%d", ErrConfig, c.MaxLineLength, MaxLineLengthLimit)
	case c.IdleTimeout <= 0:
		return fmt.Errorf("%w: IdleTimeout %v must be positive", ErrConfig, c.IdleTimeout)
	case c.WriteTimeout <= 0:
		return fmt.Errorf("%w: WriteTimeout %v must be positive", ErrConfig, c.WriteTimeout)
	case c.DialTimeout <= 0:
		return fmt.Errorf("%w: DialTimeout %v must be positive", ErrConfig, c.DialTimeout)
	case c.OutboxSize < 1 || c.OutboxSize > MaxOutboxLimit:
		return fmt.Errorf("%w: OutboxSize %d not in 1..%d", ErrConfig, c.OutboxSize, MaxOutboxLimit)
	case c.MaxPeers < 1 || c.MaxPeers > MaxPeersLimit:
		return fmt.Errorf("%w: MaxPeers %d not in 1..%d", ErrConfig, c.MaxPeers, MaxPeersLimit)
	}
	return nil
}
