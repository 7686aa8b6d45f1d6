// Package peers holds the exercises of chapter 03. Each exercise is a
// function or a type in a file of its own, with a stub to replace; the
// tests say whether it is solved. The tasks are in
// docs/chapters/03-peers.md, section Exercises; check your work with
// `go run ./tools/grade 03`.
//
// Reference solutions sit beside the stubs in files built only with
// `-tags solution`. Try the exercise first.
package peers

import (
	"errors"
	"time"
)

// ErrUnexpected is what Step returns for a message that breaks the
// handshake.
var ErrUnexpected = errors.New("unexpected message")

// Phase is how far the handshake has come, as the receiving side sees
// it.
type Phase int

// The phases of the handshake.
const (
	AwaitVersion Phase = iota // nothing from them yet
	AwaitVerAck               // their version is in; their verack is not
	Ready                     // the handshake is done
)

// State is where a connection stands in the handshake, for Step. The zero
// State is a connection that has just opened.
type State struct {
	Phase Phase
	// Features counts the feature-negotiation messages (Bitcoin's
	// sendaddrv2, wtxidrelay, and any the node does not know) that came
	// between their version and their verack, and were ignored.
	Features int
}

// MaxFeatureMessages bounds the feature-negotiation messages a peer may
// send between its version and its verack: past it, a peer is not
// negotiating but stalling, and the next one is unexpected.
const MaxFeatureMessages = 8

// Bounds on RTTEstimator.Timeout. RFC 6298 starts at 1 s and rounds
// anything lower up to 1 s; Linux's TCP allows 200 ms, better suited to
// pings on a fast link. The maximum is the least RFC 6298 allows.
const (
	InitialTimeout = time.Second            // before any sample
	MinTimeout     = 200 * time.Millisecond // never less
	MaxTimeout     = 60 * time.Second       // never more
)
