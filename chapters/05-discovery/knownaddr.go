package discovery

import (
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// When an address is not worth keeping, after Bitcoin Core's IsTerrible.
const (
	// HorizonAge: an address not heard of for this long is stale.
	HorizonAge = 30 * 24 * time.Hour
	// MaxFutureDrift: a timestamp further ahead than this is a lie.
	MaxFutureDrift = 10 * time.Minute
	// MaxNewFailures: an address that never worked and failed this
	// many times is dropped.
	MaxNewFailures = 3
	// MaxFailures and MinFailDays: one that worked once, but failed
	// this many times and not for MinFailDays, is dropped too.
	MaxFailures = 10
	MinFailDays = 7 * 24 * time.Hour
	// recentAttempt: an address tried this recently is never dropped,
	// so that the node does not forget what it is dialing.
	recentAttempt = time.Minute
)

// docs:begin known-addr

// KnownAddr is what the address book knows of one address.
type KnownAddr struct {
	Addr        simulation.Addr
	Services    uint64
	LastSeen    time.Time       // when it was last heard of
	Source      simulation.Addr // who told us first
	Attempts    int             // failed dials since the last success
	LastAttempt time.Time       // the last dial, or zero
	LastSuccess time.Time       // the last good connection, or zero
	Tried       bool            // in the tried table
	RetryAt     time.Time       // not to be dialed before this
}

// docs:end known-addr

// docs:begin terrible

// IsTerrible reports whether an address is not worth keeping: stale,
// from the future, or failing. Bitcoin Core's rules.
func (k *KnownAddr) IsTerrible(now time.Time) bool {
	switch {
	case !k.LastAttempt.IsZero() && now.Sub(k.LastAttempt) < recentAttempt:
		return false // being dialed: keep it for now
	case k.LastSeen.After(now.Add(MaxFutureDrift)):
		return true
	case now.Sub(k.LastSeen) > HorizonAge:
		return true
	case k.LastSuccess.IsZero() && k.Attempts >= MaxNewFailures:
		return true
	case now.Sub(k.LastSuccess) > MinFailDays && k.Attempts >= MaxFailures:
		return true
	}
	return false
}

// docs:end terrible

// chance is how eagerly Select takes an address, from Core's GetChance:
// one tried in the last ten minutes is taken a hundredth as often, and
// each failed attempt cuts the chance by a third.
func (k *KnownAddr) chance(now time.Time) float64 {
	c := 1.0
	if !k.LastAttempt.IsZero() && now.Sub(k.LastAttempt) < 10*time.Minute {
		c *= 0.01
	}
	for range min(k.Attempts, 8) {
		c *= 0.66
	}
	return c
}
