package discovery

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// docs:begin ban-limits

// Misbehaviour scores and bans, after Bitcoin Core's: a peer that
// reaches BanThreshold points is disconnected and its address banned
// for BanDuration.
const (
	BanThreshold = 100
	BanDuration  = 24 * time.Hour
	// MaxBans bounds the ban list; when it is full, the ban that ends
	// soonest makes room.
	MaxBans = 1024
	// MaxReasons is how many of its latest reasons a peer's entry keeps.
	MaxReasons = 4
	// MaxStrikes bounds the scores remembered of peers that left before
	// they reached the threshold, so that one that reconnects carries
	// its score on; StrikeMemory is how long one is remembered.
	MaxStrikes   = 1024
	StrikeMemory = 24 * time.Hour
)

// docs:end ban-limits

// ErrBanned is why a banned peer is refused or disconnected.
var ErrBanned = errors.New("banned")

// docs:begin peer-info

// PeerInfo is what the table knows of one connected peer.
type PeerInfo struct {
	ID      simulation.PeerID
	Kind    ConnKind
	Addr    simulation.Addr // where it listens; for inbound, what it said
	Remote  simulation.Addr // the far end of the connection
	Version simulation.PeerVersion
	Since   time.Time
	Score   int      // misbehaviour points so far
	Reasons []string // the last MaxReasons reasons for them
}

// docs:end peer-info

// Inbound reports whether the peer dialed us.
func (p PeerInfo) Inbound() bool { return p.Kind == Inbound }

// BanAddr is the address a ban of the peer is kept under: where it
// listens, or, for an inbound peer that did not say, the far end of its
// connection, so that a peer cannot escape a ban, or make an empty one,
// by keeping its address to itself.
func (p PeerInfo) BanAddr() simulation.Addr {
	if p.Addr == "" {
		return p.Remote
	}
	return p.Addr
}

// Ban is one banned address.
type Ban struct {
	Key    string // BanKey of the address
	Until  time.Time
	Reason string
}

// Banned is emitted when a peer is banned.
type Banned struct {
	Addr   simulation.Addr
	Until  time.Time
	Reason string
}

func (b Banned) String() string {
	return fmt.Sprintf("banned %s until %s: %s", b.Addr, b.Until.Format(time.RFC3339), b.Reason)
}

// strike is the score of a peer that left before reaching the threshold.
type strike struct {
	score int
	at    time.Time
}

// PeerTable holds what a node knows of its connected peers, their
// misbehaviour scores, and the addresses it has banned. The connection
// manager owns it; every protocol reports a bad peer through
// Misbehaving.
type PeerTable struct {
	peers   map[simulation.PeerID]*PeerInfo
	bans    map[string]Ban
	strikes map[string]strike
}

// NewPeerTable returns an empty table, with restored bans (from Bans,
// saved before a restart).
func NewPeerTable(bans []Ban) *PeerTable {
	t := &PeerTable{
		peers:   make(map[simulation.PeerID]*PeerInfo),
		bans:    make(map[string]Ban),
		strikes: make(map[string]strike),
	}
	for _, b := range bans {
		t.addBan(b)
	}
	return t
}

// docs:begin ban-key

// BanKey is what a ban is kept under: the IP, for an address on the
// internet, so that a banned node cannot come back from another port;
// the whole address for loopback, unspecified and non-IP addresses,
// because every devnet node is 127.0.0.1 and banning the IP there would
// ban them all. The price: on loopback a banned node comes back by
// listening on another port.
func BanKey(a simulation.Addr) string {
	ip, ok := parseIP(a)
	if !ok || ip.IsLoopback() || ip.IsUnspecified() {
		return string(a)
	}
	return ip.String()
}

// docs:end ban-key

// add records a connected peer, with the score it left with before.
func (t *PeerTable) add(now time.Time, p PeerInfo) *PeerInfo {
	p.Since = now
	if s, ok := t.strikes[BanKey(p.BanAddr())]; ok && now.Sub(s.at) < StrikeMemory {
		p.Score = s.score
	}
	t.peers[p.ID] = &p
	return &p
}

// remove forgets a peer that disconnected, remembering its score.
func (t *PeerTable) remove(now time.Time, id simulation.PeerID) (PeerInfo, bool) {
	p, ok := t.peers[id]
	if !ok {
		return PeerInfo{}, false
	}
	delete(t.peers, id)
	if p.Score > 0 && p.Score < BanThreshold {
		t.strike(now, BanKey(p.BanAddr()), p.Score)
	}
	return *p, true
}

// strike remembers a score, making room by forgetting the oldest.
func (t *PeerTable) strike(now time.Time, key string, score int) {
	if _, ok := t.strikes[key]; !ok && len(t.strikes) >= MaxStrikes {
		oldest := ""
		for _, k := range slices.Sorted(maps.Keys(t.strikes)) {
			if oldest == "" || t.strikes[k].at.Before(t.strikes[oldest].at) {
				oldest = k
			}
		}
		delete(t.strikes, oldest)
	}
	t.strikes[key] = strike{score: score, at: now}
}

// Get returns what the table knows of a peer.
func (t *PeerTable) Get(id simulation.PeerID) (PeerInfo, bool) {
	p, ok := t.peers[id]
	if !ok {
		return PeerInfo{}, false
	}
	return *p, true
}

// Peers lists the connected peers, by PeerID.
func (t *PeerTable) Peers() []PeerInfo {
	out := make([]PeerInfo, 0, len(t.peers))
	for _, id := range slices.Sorted(maps.Keys(t.peers)) {
		out = append(out, *t.peers[id])
	}
	return out
}

// Len is how many peers are connected.
func (t *PeerTable) Len() int { return len(t.peers) }

// docs:begin misbehaving

// Misbehaving adds points to a peer's score, for reason. Under the
// threshold that is all; at it, the peer is disconnected, its address
// banned for BanDuration, and the ban emitted. Every protocol of a node
// reports bad peers here.
func (t *PeerTable) Misbehaving(now time.Time, peer simulation.PeerID,
	points int, reason string) []simulation.Action {
	p, ok := t.peers[peer]
	if !ok || points <= 0 {
		return nil
	}
	before := p.Score
	p.Score += points
	p.Reasons = append(p.Reasons, fmt.Sprintf("%s (+%d)", reason, points))
	if len(p.Reasons) > MaxReasons {
		p.Reasons = slices.Delete(p.Reasons, 0, len(p.Reasons)-MaxReasons)
	}
	if before >= BanThreshold || p.Score < BanThreshold {
		return nil // under the threshold, or banned already
	}
	ban := Ban{Key: BanKey(p.BanAddr()), Until: now.Add(BanDuration), Reason: reason}
	t.addBan(ban)
	return []simulation.Action{
		simulation.Disconnect{Peer: peer, Err: fmt.Errorf("%w: %s", ErrBanned, reason)},
		simulation.Emit{Value: Banned{Addr: p.BanAddr(), Until: ban.Until, Reason: reason}},
	}
}

// docs:end misbehaving

// Ban bans an address until a time, for reason, whether or not a peer
// is connected from it: an operator's ban. Every connected peer with the
// same ban key is disconnected, and the ban is emitted.
func (t *PeerTable) Ban(now time.Time, a simulation.Addr, until time.Time,
	reason string) []simulation.Action {
	if a == "" || !now.Before(until) {
		return nil
	}
	ban := Ban{Key: BanKey(a), Until: until, Reason: reason}
	t.addBan(ban)
	var out []simulation.Action
	for _, id := range slices.Sorted(maps.Keys(t.peers)) {
		if BanKey(t.peers[id].BanAddr()) == ban.Key {
			out = append(out, simulation.Disconnect{Peer: id,
				Err: fmt.Errorf("%w: %s", ErrBanned, reason)})
		}
	}
	return append(out, simulation.Emit{Value: Banned{Addr: a, Until: until, Reason: reason}})
}

// Unban lifts the ban on an address, if there is one: an operator's
// pardon, or the end of a classroom partition. It says whether there
// was one.
func (t *PeerTable) Unban(a simulation.Addr) bool {
	key := BanKey(a)
	_, ok := t.bans[key]
	delete(t.bans, key)
	return ok
}

// addBan records a ban, making room if the list is full by dropping the
// one that ends soonest.
func (t *PeerTable) addBan(b Ban) {
	if _, ok := t.bans[b.Key]; !ok && len(t.bans) >= MaxBans {
		first := ""
		for _, k := range slices.Sorted(maps.Keys(t.bans)) {
			if first == "" || t.bans[k].Until.Before(t.bans[first].Until) {
				first = k
			}
		}
		delete(t.bans, first)
	}
	t.bans[b.Key] = b
}

// IsBanned reports whether an address is banned at now. An expired ban
// is forgotten.
func (t *PeerTable) IsBanned(now time.Time, a simulation.Addr) bool {
	if a == "" {
		return false
	}
	key := BanKey(a)
	b, ok := t.bans[key]
	if ok && !now.Before(b.Until) {
		delete(t.bans, key)
		return false
	}
	return ok
}

// Bans lists the bans in force at now, soonest to end first: what a
// node saves to restore with NewPeerTable.
func (t *PeerTable) Bans(now time.Time) []Ban {
	var out []Ban
	for _, k := range slices.Sorted(maps.Keys(t.bans)) {
		if now.Before(t.bans[k].Until) {
			out = append(out, t.bans[k])
		} else {
			delete(t.bans, k)
		}
	}
	slices.SortStableFunc(out, func(a, b Ban) int { return a.Until.Compare(b.Until) })
	return out
}
