package peers

import (
	"fmt"
	"sync"
	"time"

	wire "peerchain/chapters/02-wire"
)

// docs:begin pings

// pings is what a peer knows of its pings: at most one is outstanding at
// a time. The ping loop starts them; the reader ends them with pongs.
type pings struct {
	mu       sync.Mutex
	nonce    uint64        // the outstanding ping's; 0 when none is
	sentAt   time.Time     // when it was queued
	rtt      time.Duration // the last round trip measured
	measured bool          // rtt holds a measurement
}

// start begins a ping at now and returns its nonce, unless one is
// outstanding already.
func (s *pings) start(now time.Time) (uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nonce != 0 {
		return 0, false
	}
	s.nonce, s.sentAt = RandomNonce(), now
	return s.nonce, true
}

// pong ends the outstanding ping if nonce is its nonce, and returns the
// round trip. A pong with any other nonce is ignored: it may answer a
// ping from before, and a peer cannot fake a round trip without the
// nonce.
func (s *pings) pong(nonce uint64, now time.Time) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nonce == 0 || nonce != s.nonce {
		return 0, false
	}
	s.rtt, s.measured, s.nonce = now.Sub(s.sentAt), true, 0
	return s.rtt, true
}

// overdue reports whether a ping has been outstanding for timeout.
func (s *pings) overdue(now time.Time, timeout time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nonce != 0 && now.Sub(s.sentAt) >= timeout
}

// docs:end pings

// last returns the last round trip measured, and whether there is one.
func (s *pings) last() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rtt, s.measured
}

// docs:begin ping-loop

// pingLoop sends a ping at once and then every PingInterval, unless one
// is outstanding, and drops the peer when a ping goes unanswered for
// PingTimeout. Each pong is something read, so a healthy peer with
// nothing to say still never reaches IdleTimeout.
func (p *Peer) pingLoop() {
	interval := time.NewTicker(p.cfg.PingInterval)
	defer interval.Stop()
	deadline := time.NewTimer(p.cfg.PingTimeout)
	defer deadline.Stop()
	p.ping(deadline)
	for {
		select {
		case <-interval.C:
			p.ping(deadline)
		case now := <-deadline.C:
			if p.pings.overdue(now, p.cfg.PingTimeout) {
				p.Disconnect(fmt.Errorf("%w: no pong in %v",
					ErrPingTimeout, p.cfg.PingTimeout))
				return
			}
		case <-p.quit:
			return
		}
	}
}

// ping sends a ping with a fresh nonce, unless one is outstanding, and
// sets deadline to when its pong is due.
func (p *Peer) ping(deadline *time.Timer) {
	if nonce, ok := p.pings.start(time.Now()); ok {
		deadline.Reset(p.cfg.PingTimeout)
		p.Send(&wire.MsgPing{Nonce: nonce}) // on error, p is closing
	}
}

// docs:end ping-loop
