package simulation

import (
	"context"
	"errors"
	"net"
	"time"
)

// How the accept loop waits after a failed Accept, as net/http's Server
// does: 5 ms, doubling each failure in a row up to 1 s, and back to 5 ms
// after a success. A failure that passes (too many open files, a
// connection reset before it was accepted) costs a few milliseconds; one
// that lasts does not spin a core.
const (
	acceptRetryMin = 5 * time.Millisecond
	acceptRetryMax = time.Second
)

// acceptBackoff is how long to wait after each failed Accept in a row.
type acceptBackoff struct{ delay time.Duration }

// next returns the wait after one more failure.
func (b *acceptBackoff) next() time.Duration {
	b.delay = min(max(2*b.delay, acceptRetryMin), acceptRetryMax)
	return b.delay
}

// reset starts again from the shortest wait, after a success.
func (b *acceptBackoff) reset() { b.delay = 0 }

// accept takes the connections ln accepts until it is closed or ctx
// ends. An inbound connection over MaxHandshakes is closed at once; the
// others are admitted, or not, on the loop, and then shake hands.
func (n *RealNode) accept(ctx context.Context, ln net.Listener) {
	var backoff acceptBackoff
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || !n.clock.sleep(ctx, backoff.next()) {
				return
			}
			continue
		}
		backoff.reset()
		select {
		case n.handshakes <- struct{}{}:
		default:
			conn.Close() // too many handshakes under way
			continue
		}
		n.spawn(func() {
			defer func() { <-n.handshakes }()
			n.openInbound(ctx, conn)
		})
	}
}
