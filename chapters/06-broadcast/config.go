package broadcast

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// docs:begin defaults

// The protocol's defaults.
const (
	DefaultSeenSize     = 100_000 // IDs remembered as seen (the seen-cache)
	DefaultStoreSize    = 10_000  // items kept to answer getdata
	DefaultKnownPerPeer = 10_000  // IDs remembered per peer as known to it
	DefaultMaxWanted    = 10_000  // items announced to us, not had yet
	// DefaultMaxAnnouncers is how many peers are remembered as having
	// announced one item: whom to ask again.
	DefaultMaxAnnouncers = 8
	// DefaultMaxTrees is how many trees (one per publishing node) a
	// node keeps the shape of; past it the oldest is forgotten, and
	// flooded again until duplicates prune it.
	DefaultMaxTrees = 1024
	// DefaultMaxInFlight bounds the items asked of one peer and not
	// answered yet (Bitcoin: 100 transactions).
	DefaultMaxInFlight = 500
	// DefaultRequestTimeout is how long an asked peer has to answer
	// before the item is asked of another (Bitcoin: 60 s; a simulated
	// link's round trip is well under a second).
	DefaultRequestTimeout = time.Second
	// DefaultLazyWait is how long an announced item waits for a push
	// along its tree before it is fetched: the tree's repair timer.
	DefaultLazyWait = 200 * time.Millisecond
	// DefaultAnnounceDelay is the mean wait of a lazy announcement,
	// for those that find no push to ride on.
	DefaultAnnounceDelay = 24 * time.Second
	// DefaultPruneWait is how long a prune waits for a push to ride on
	// before it goes alone.
	DefaultPruneWait = 400 * time.Millisecond
	// DefaultSyncInterval is the mean time between two inventories of
	// recent items sent to a random peer; DefaultSyncWindow is how far
	// back they go, and DefaultSyncSettle how recent an item may be and
	// still be left out, as still on its way.
	DefaultSyncInterval = time.Second
	DefaultSyncWindow   = 20 * time.Second
	DefaultSyncSettle   = time.Second
	// DefaultSyncSilence: a peer heard from after this long a silence
	// is sent an inventory at once: it may have been cut off.
	DefaultSyncSilence = 2 * time.Second
	// DefaultPruneGrace is how long a peer we pruned may go on pushing,
	// its pushes crossing our prune, before a push is unsolicited.
	DefaultPruneGrace = 2 * time.Second
)

// DefaultPushDelays are the default policy's waits of an item that has
// come 0, 1, and 2 or more hops: none where it was published, since a
// wait there delays every node of its tree, and less on the last hops
// than on the first. The glomers experiment compares other splits.
var DefaultPushDelays = []time.Duration{0, 60 * time.Millisecond,
	30 * time.Millisecond}

// docs:end defaults

// tickInterval is how often pending requests are looked at while there
// are any.
const tickInterval = 25 * time.Millisecond

// docs:begin points

// What bad input costs, in points of discovery.BanThreshold.
const (
	InvalidPoints     = 100 // an item that fails its type's check: ban
	OversizePoints    = 20  // an inv, getdata or notfound over MaxInvEntries
	DuplicatePoints   = 5   // the same item sent twice by one peer
	UnsolicitedPoints = 5   // an item pushed by a peer told not to push
	NotFoundPoints    = 5   // a notfound for items we never asked of it
)

// docs:end points

// ErrConfig is a Config that cannot work.
var ErrConfig = errors.New("invalid broadcast config")

// docs:begin config

// Config configures a Protocol. Zero values take the defaults above,
// except LazyWait, where zero means "fetch at once", and NoPrune.
type Config struct {
	Types  []ItemType // nil: just Blob
	Policy Policy     // nil: DefaultPolicy()
	// NoPrune keeps every link eager: a duplicate push prunes nothing,
	// as plain flooding and announcing want.
	NoPrune bool
	// LazyWait is how long an announced item waits for a push before
	// it is fetched; zero fetches at once.
	LazyWait time.Duration

	SeenSize, StoreSize, KnownPerPeer int
	MaxWanted, MaxAnnouncers          int
	MaxTrees                          int
	MaxInFlight                       int
	RequestTimeout                    time.Duration
	SyncInterval, SyncWindow          time.Duration
	SyncSettle, PruneGrace            time.Duration
	PruneWait, SyncSilence            time.Duration
	// NoSync turns the periodic inventory off, to measure what it is
	// worth.
	NoSync bool
}

// docs:end config

// DefaultPolicy is the epidemic broadcast tree with the default delays.
func DefaultPolicy() Policy {
	return PlumtreePolicy{PushDelay: slices.Clone(DefaultPushDelays),
		AnnounceDelay: DefaultAnnounceDelay}
}

// DefaultConfig is the tree, its lazy wait and every other default.
func DefaultConfig() Config {
	return Config{Policy: DefaultPolicy(), LazyWait: DefaultLazyWait}
}

func (c Config) withDefaults() (Config, error) {
	if c.Types == nil {
		c.Types = []ItemType{Blob}
	}
	if c.Policy == nil {
		c.Policy = DefaultPolicy()
	}
	ints := []struct {
		name  string
		value *int
		def   int
	}{
		{"SeenSize", &c.SeenSize, DefaultSeenSize},
		{"StoreSize", &c.StoreSize, DefaultStoreSize},
		{"KnownPerPeer", &c.KnownPerPeer, DefaultKnownPerPeer},
		{"MaxWanted", &c.MaxWanted, DefaultMaxWanted},
		{"MaxAnnouncers", &c.MaxAnnouncers, DefaultMaxAnnouncers},
		{"MaxInFlight", &c.MaxInFlight, DefaultMaxInFlight},
		{"MaxTrees", &c.MaxTrees, DefaultMaxTrees},
	}
	for _, f := range ints {
		if *f.value < 0 {
			return c, fmt.Errorf("%w: %s %d is negative", ErrConfig, f.name, *f.value)
		}
		if *f.value == 0 {
			*f.value = f.def
		}
	}
	durations := []struct {
		name  string
		value *time.Duration
		def   time.Duration
	}{
		{"RequestTimeout", &c.RequestTimeout, DefaultRequestTimeout},
		{"SyncInterval", &c.SyncInterval, DefaultSyncInterval},
		{"SyncWindow", &c.SyncWindow, DefaultSyncWindow},
		{"SyncSettle", &c.SyncSettle, DefaultSyncSettle},
		{"PruneGrace", &c.PruneGrace, DefaultPruneGrace},
		{"PruneWait", &c.PruneWait, DefaultPruneWait},
		{"SyncSilence", &c.SyncSilence, DefaultSyncSilence},
	}
	for _, f := range durations {
		if *f.value < 0 {
			return c, fmt.Errorf("%w: %s %v is negative", ErrConfig, f.name, *f.value)
		}
		if *f.value == 0 {
			*f.value = f.def
		}
	}
	if c.LazyWait < 0 {
		return c, fmt.Errorf("%w: LazyWait %v is negative", ErrConfig, c.LazyWait)
	}
	if c.StoreSize > c.SeenSize {
		return c, fmt.Errorf("%w: StoreSize %d over SeenSize %d", ErrConfig, c.StoreSize, c.SeenSize)
	}
	return c, nil
}
