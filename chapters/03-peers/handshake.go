package peers

import (
	"context"
	"errors"
	"fmt"
	"time"

	wire "peerchain/chapters/02-wire"
)

// handshakeWithin runs the handshake within cfg.HandshakeTimeout, and
// gives up when ctx ends.
func (p *Peer) handshakeWithin(ctx context.Context) error {
	p.conn.SetReadDeadline(time.Now().Add(p.cfg.HandshakeTimeout))
	// Closing the connection is what ends a read blocked on it.
	stop := context.AfterFunc(ctx, func() { p.Disconnect(ctxReason(ctx)) })
	err := p.handshake()
	if !stop() && err == nil { // ctx ended as the handshake did
		err = ctxReason(ctx)
	}
	return err
}

// ctxReason says why a handshake given up on with ctx ended.
func ctxReason(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrHandshakeTimeout, ctx.Err())
	}
	return fmt.Errorf("%w: %w", ErrClosed, ctx.Err())
}

// MaxFeatureMessages bounds the messages a peer may send between its
// version and its verack, to negotiate features: one more is
// ErrUnexpectedMessage. Bitcoin Core sends two today.
const MaxFeatureMessages = 8

// docs:begin handshake

// handshake exchanges versions and veracks. The side that dialed sends
// its version first; the side that was dialed answers it with its own.
// Each side acknowledges the other's version with a verack. We are done
// when we have the other side's version and then its verack. Between the
// two, a peer may send up to MaxFeatureMessages messages that negotiate
// features: we note the ones we know and skip the others, as Bitcoin
// Core does. Anything else before the verack is an error.
func (p *Peer) handshake() error {
	if !p.info.Inbound {
		if err := p.Send(p.version()); err != nil {
			return err
		}
	}
	gotVersion, features := false, 0
	for {
		msg, cmd, err := p.readHandshake() // msg is nil: unknown cmd
		if err != nil {
			return err
		}
		if gotVersion && negotiates(msg) {
			if features++; features > MaxFeatureMessages {
				return unexpected(cmd, fmt.Sprintf("after %d "+
					"feature messages", MaxFeatureMessages))
			}
			p.info.Features.note(msg, p.info.Negotiated)
			continue
		}
		switch m := msg.(type) {
		case *wire.MsgVersion:
			if gotVersion {
				return unexpected(cmd, "a second time")
			}
			if err := p.accept(m); err != nil {
				return err
			}
			gotVersion = true
			if err := p.acknowledge(); err != nil {
				return err
			}
		case *wire.MsgVerAck:
			if !gotVersion {
				return unexpected(cmd, "before version")
			}
			return nil
		default:
			if !gotVersion {
				return unexpected(cmd, "before version")
			}
			return unexpected(cmd, "before verack")
		}
	}
}

// acknowledge answers a good version: with our own version first if
// they dialed us, then with a verack.
func (p *Peer) acknowledge() error {
	if p.info.Inbound {
		if err := p.Send(p.version()); err != nil {
			return err
		}
	}
	return p.Send(&wire.MsgVerAck{})
}

// docs:end handshake

// docs:begin accept

// accept checks the version a peer sent and, if it is good, records it.
// The side that was dialed reads a version first, so it is the one that
// finds its own nonce in it when a node has dialed itself.
func (p *Peer) accept(v *wire.MsgVersion) error {
	switch {
	case v.ProtocolVersion < p.cfg.MinProtocolVersion:
		return fmt.Errorf("%w: it speaks %d, we need %d or later",
			ErrVersionTooOld, v.ProtocolVersion,
			p.cfg.MinProtocolVersion)
	case v.Nonce == p.cfg.Nonce:
		return fmt.Errorf("%w: our nonce 0x%016x came back",
			ErrSelfConnection, v.Nonce)
	}
	if err := p.register(v.Nonce); err != nil {
		return err
	}
	p.info.Version = *v
	p.info.Negotiated = min(v.ProtocolVersion, p.cfg.ProtocolVersion)
	return nil
}

// register adds the peer to the node's set of connected peers, by its
// nonce, failing if the set refuses it. Disconnect removes it.
func (p *Peer) register(nonce uint64) error {
	if p.cfg.Connected == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reason != nil {
		return p.reason // closing already: add nothing to remove later
	}
	if err := p.cfg.Connected.add(p.cfg.Nonce, nonce, p); err != nil {
		return fmt.Errorf("%w (nonce 0x%016x)", err, nonce)
	}
	p.nonce, p.added = nonce, true
	return nil
}

// docs:end accept

// version returns the version message we send.
func (p *Peer) version() *wire.MsgVersion {
	ad := p.cfg.advertised()
	return &wire.MsgVersion{
		ProtocolVersion: p.cfg.ProtocolVersion,
		Services:        ad.Services,
		Timestamp:       time.Now().Unix(),
		AddrRecv:        wire.NetAddress{Addr: addrPort(p.conn.RemoteAddr())},
		AddrFrom:        wire.NetAddress{Services: ad.Services, Addr: p.cfg.ListenAddr},
		Nonce:           p.cfg.Nonce,
		UserAgent:       p.cfg.UserAgent,
		StartHeight:     ad.StartHeight,
		Relay:           p.cfg.Relay,
	}
}

// readHandshake reads one message of the handshake, and returns it and
// its command. For a command the registry does not know, it returns a nil
// message and the command: the payload has been skipped.
func (p *Peer) readHandshake() (wire.Message, string, error) {
	msg, _, err := wire.ReadMessage(p.r, p.cfg.Magic, p.cfg.Registry)
	var werr *wire.Error
	switch {
	case errors.Is(err, wire.ErrUnknownCommand) && errors.As(err, &werr):
		return nil, werr.Command, nil
	case err != nil:
		return nil, "", readError(err, fmt.Errorf("%w: not done in %v",
			ErrHandshakeTimeout, p.cfg.HandshakeTimeout))
	}
	return msg, msg.Command(), nil
}

// unexpected describes a message that came at the wrong time.
func unexpected(command, when string) error {
	return fmt.Errorf("%w: %s %s", ErrUnexpectedMessage, command, when)
}
