package peers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	wire "peerchain/chapters/02-wire"
)

// allReasons is every reason a handshake may fail with.
var allReasons = []error{
	ErrSelfConnection, ErrDuplicateConnection, ErrHandshakeTimeout,
	ErrVersionTooOld, ErrTooManyPeers, ErrUnexpectedMessage,
	ErrWrongNetwork, ErrMalformed, ErrRemoteClosed, ErrClosed,
}

// framed encodes messages as they travel on the devnet.
func framed(msgs ...wire.Message) []byte {
	var b bytes.Buffer
	for _, m := range msgs {
		if _, err := wire.WriteMessage(&b, wire.DevNet, m); err != nil {
			panic(err)
		}
	}
	return b.Bytes()
}

// FuzzHandshake plays a stranger who dials us, sends whatever bytes the
// fuzzer makes up, and hangs up. Whatever the bytes, New must return
// promptly, without panicking, with one of the disconnect reasons, or,
// for bytes that happen to be a good version and verack, with a peer.
func FuzzHandshake(f *testing.F) {
	version := theirVersion(theirNonce, wire.ProtocolVersion)
	good := framed(version, &wire.MsgVerAck{})
	asCore := framed(version, &wire.MsgWtxidRelay{}, &wire.MsgSendAddrV2{}, &wire.MsgVerAck{})
	tooMany := []wire.Message{version}
	for range MaxFeatureMessages + 1 {
		tooMany = append(tooMany, &wire.MsgSendAddrV2{})
	}
	f.Add(good)
	f.Add(good[:30])                                              // cut short
	f.Add(asCore)                                                 // features
	f.Add(framed(tooMany...))                                     // too many
	f.Add(framed(&wire.MsgSendAddrV2{}))                          // too soon
	f.Add(framed(theirVersion(ourNonce, wire.ProtocolVersion)))   // ourselves
	f.Add(framed(theirVersion(theirNonce, 0), &wire.MsgVerAck{})) // too old
	f.Add(framed(&wire.MsgPing{Nonce: 1}))                        // too soon
	f.Add(append([]byte{0xf9, 0xbe, 0xb4, 0xd9}, good[4:]...))    // Bitcoin's magic
	f.Add([]byte("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"))  // not even close
	f.Fuzz(func(t *testing.T, data []byte) {
		ours, theirs := net.Pipe()
		go func() {
			go io.Copy(io.Discard, theirs) // read whatever we answer
			theirs.Write(data)
			theirs.Close()
		}()
		cfg := testConfig(ourNonce)
		cfg.HandshakeTimeout = 5 * time.Second // only if something hangs
		ctx, cancel := context.WithTimeout(context.Background(), cfg.HandshakeTimeout)
		defer cancel()
		p, err := New(ctx, ours, true, cfg)
		if err == nil {
			p.Close()
			return
		}
		assert.NotErrorIs(t, err, ErrHandshakeTimeout, "the stranger hung up: New must notice, not wait")
		assert.True(t, isOneOf(err, allReasons), "not a disconnect reason: %v", err)
	})
}

func isOneOf(err error, targets []error) bool {
	for _, target := range targets {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
