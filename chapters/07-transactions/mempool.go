package transactions

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	wire "peerchain/chapters/02-wire"
	broadcast "peerchain/chapters/06-broadcast"
)

// docs:begin mempool-defaults

// The mempool's defaults.
const (
	DefaultMaxCount = 100_000  // transactions held
	DefaultMaxBytes = 32 << 20 // bytes of their encodings (Bitcoin: 300 MB)
	// DefaultMaxPerSender bounds one sender's chain of pending
	// transactions (Bitcoin: 25 ancestors), so that no sender fills
	// the pool with a chain nobody can mine at once.
	DefaultMaxPerSender = 100
	// DefaultMinFeeRate is the least fee a byte a transaction must pay
	// to be held and relayed: relaying it costs every node bandwidth.
	DefaultMinFeeRate = 1
	// DefaultReplaceBump is how much more fee, in percent, a
	// transaction must pay to replace a pending one with the same
	// sender and nonce (and at least 1 unit more): else replacing would
	// be a free way to make every node relay again.
	DefaultReplaceBump = 10
	// DefaultMaxAge is how long a transaction may wait for a block
	// (Bitcoin: two weeks; a devnet's clock runs faster).
	DefaultMaxAge = time.Hour
)

// docs:end mempool-defaults

// Errors of the mempool's policy: a transaction refused here may be
// valid, but this node will not hold or relay it.
var (
	ErrKnown       = errors.New("already in the mempool")
	ErrFeeTooLow   = errors.New("fee rate under the minimum")
	ErrReplaceFee  = errors.New("replacement does not pay enough more")
	ErrMempoolFull = errors.New("mempool full of better-paying transactions")
	ErrSenderLimit = errors.New("sender has too many pending transactions")
	ErrMempool     = errors.New("invalid mempool config")
)

// Invalid reports whether err is a rule that no state can change: a
// peer that relays such a transaction is misbehaving. A nonce or a
// balance may be fine on another node's state, or here later.
func Invalid(err error) bool {
	var re *RuleError
	if errors.As(err, &re) {
		switch re.Code {
		case ErrNonceReused, ErrNonceSkipped, ErrInsufficient:
			return false
		}
		return true
	}
	return errors.Is(err, ErrDecode)
}

// docs:begin mempool-config

// MempoolConfig configures a Mempool. Zero values take the defaults.
type MempoolConfig struct {
	Chain                  wire.Magic
	MaxCount, MaxBytes     int
	MaxPerSender           int
	MinFeeRate             uint64 // units a byte
	ReplaceBump            uint64 // percent
	MaxAge                 time.Duration
	Select                 SelectFunc // nil: GreedySelect
	SigCache               *SigCache  // nil: every signature checked
	NoMinFee, NoReplaceFee bool       // for tests of the rest
}

// Accounts is what the mempool reads of the chain: a *State.
type Accounts interface {
	Account(Address) Account
}

// docs:end mempool-config

func (c MempoolConfig) withDefaults() (MempoolConfig, error) {
	ints := []struct {
		name  string
		value *int
		def   int
	}{
		{"MaxCount", &c.MaxCount, DefaultMaxCount},
		{"MaxBytes", &c.MaxBytes, DefaultMaxBytes},
		{"MaxPerSender", &c.MaxPerSender, DefaultMaxPerSender},
	}
	for _, f := range ints {
		if *f.value < 0 {
			return c, fmt.Errorf("%w: %s %d is negative", ErrMempool, f.name, *f.value)
		}
		if *f.value == 0 {
			*f.value = f.def
		}
	}
	if c.MaxBytes < MaxTxSize {
		return c, fmt.Errorf("%w: MaxBytes %d under one transaction's %d", ErrMempool, c.MaxBytes, MaxTxSize)
	}
	if c.MaxAge < 0 {
		return c, fmt.Errorf("%w: MaxAge %v is negative", ErrMempool, c.MaxAge)
	}
	if c.MaxAge == 0 {
		c.MaxAge = DefaultMaxAge
	}
	if c.MinFeeRate == 0 && !c.NoMinFee {
		c.MinFeeRate = DefaultMinFeeRate
	}
	if c.ReplaceBump == 0 && !c.NoReplaceFee {
		c.ReplaceBump = DefaultReplaceBump
	}
	if c.Select == nil {
		c.Select = GreedySelect
	}
	return c, nil
}

// entry is one pending transaction.
type entry struct {
	tx      *Tx
	id      broadcast.ID
	size    int
	rate    FeeRate
	added   time.Time
	removed bool // out of the pool: byAge forgets it lazily
}

// queue is one sender's pending transactions, nonces in a row from its
// account's next.
type queue struct {
	sender Address
	txs    []*entry
	spent  uint64 // what they cost together
	index  int    // in the tails heap
}

func (q *queue) tail() *entry { return q.txs[len(q.txs)-1] }

// docs:begin mempool

// Mempool holds the transactions waiting for a block: each valid on top
// of the chain's state and the same sender's pending ones before it.
// It is bounded by count and bytes; when full, a better-paying
// transaction evicts the lowest fee rate that nothing depends on (a
// sender's last), so eviction is a heap's O(log n).
type Mempool struct {
	cfg     MempoolConfig
	state   Accounts
	byID    map[broadcast.ID]*entry
	senders map[Address]*queue
	tails   tailHeap // the queues, lowest-paying last transaction first
	byAge   []*entry // oldest first, with removed ones not yet dropped
	bytes   int
}

// docs:end mempool

// NewMempool returns an empty mempool on top of state.
func NewMempool(cfg MempoolConfig, state Accounts) (*Mempool, error) {
	if state == nil {
		return nil, fmt.Errorf("%w: no state", ErrMempool)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Mempool{cfg: cfg, state: state,
		byID: make(map[broadcast.ID]*entry), senders: make(map[Address]*queue)}, nil
}

// Len is how many transactions are pending.
func (m *Mempool) Len() int { return len(m.byID) }

// Bytes is their encodings' size.
func (m *Mempool) Bytes() int { return m.bytes }

// Has reports whether a transaction is pending.
func (m *Mempool) Has(id broadcast.ID) bool { _, ok := m.byID[id]; return ok }

// Get returns a pending transaction.
func (m *Mempool) Get(id broadcast.ID) (*Tx, bool) {
	e, ok := m.byID[id]
	if !ok {
		return nil, false
	}
	return e.tx, true
}

// Pending is a sender's pending transactions, in nonce order.
func (m *Mempool) Pending(sender Address) []*Tx {
	q := m.senders[sender]
	if q == nil {
		return nil
	}
	txs := make([]*Tx, len(q.txs))
	for i, e := range q.txs {
		txs[i] = e.tx
	}
	return txs
}

// NextNonce is the nonce a sender's next transaction takes: its
// account's next, after its pending ones.
func (m *Mempool) NextNonce(sender Address) uint64 {
	n := m.state.Account(sender).Nonce
	if q := m.senders[sender]; q != nil {
		n += uint64(len(q.txs))
	}
	return n
}

// Spendable is a sender's balance less what its pending transactions
// spend. Money on its way to the sender is not spendable until a block
// brings it: so one sender's transactions never depend on another's.
func (m *Mempool) Spendable(sender Address) uint64 {
	b := m.state.Account(sender).Balance
	if q := m.senders[sender]; q != nil {
		b -= q.spent
	}
	return b
}

// Added is what an accepted transaction displaced.
type Added struct {
	Replaced *Tx   // the pending one with its sender and nonce
	Evicted  []*Tx // lower-paying ones, to make room
}

// docs:begin add

// Add takes a transaction if it is valid on top of the state and the
// pending ones, pays the minimum fee rate, and finds room. A nonce that
// is pending already is a replacement, and must pay the bump.
func (m *Mempool) Add(tx *Tx, now time.Time) (Added, error) {
	id := tx.ID()
	if _, ok := m.byID[id]; ok {
		return Added{}, fmt.Errorf("%w: %s", ErrKnown, id)
	}
	if err := m.cfg.SigCache.check(tx, m.cfg.Chain, id); err != nil {
		return Added{}, err
	}
	e := &entry{tx: tx, id: id, size: tx.Size(), rate: RateOf(tx), added: now}
	if hi, least := bits.Mul64(m.cfg.MinFeeRate, uint64(e.size)); hi != 0 || tx.Fee < least {
		return Added{}, fmt.Errorf("%w: %d for %d bytes, minimum %d a byte",
			ErrFeeTooLow, tx.Fee, e.size, m.cfg.MinFeeRate)
	}
	sender := tx.Sender()
	acc := m.state.Account(sender)
	q := m.senders[sender]
	pending := 0
	var spent uint64
	if q != nil {
		pending, spent = len(q.txs), q.spent
	}
	next := acc.Nonce + uint64(pending)
	var old *entry
	switch {
	case tx.Nonce < acc.Nonce:
		return Added{}, ruleError(ErrNonceReused, "nonce %d, next is %d", tx.Nonce, acc.Nonce)
	case tx.Nonce > next:
		return Added{}, ruleError(ErrNonceSkipped, "nonce %d, next is %d (%d pending)",
			tx.Nonce, next, pending)
	case tx.Nonce < next:
		old = q.txs[tx.Nonce-acc.Nonce]
		if err := m.replaceable(old, e); err != nil {
			return Added{}, err
		}
		spent -= old.tx.Cost()
	case pending >= m.cfg.MaxPerSender:
		return Added{}, fmt.Errorf("%w: %d, limit %d", ErrSenderLimit, pending, m.cfg.MaxPerSender)
	}
	if total, carry := bits.Add64(spent, tx.Cost(), 0); carry != 0 || total > acc.Balance {
		return Added{}, ruleError(ErrInsufficient, "spends %d with its pending ones, has %d",
			spent+tx.Cost(), acc.Balance)
	}
	evicted, err := m.makeRoom(e, old, q)
	if err != nil {
		return Added{}, err
	}
	m.insert(e, old, sender, true)
	m.compact()
	added := Added{Evicted: evicted}
	if old != nil {
		added.Replaced = old.tx
	}
	return added, nil
}

// replaceable says whether e pays enough to replace old: the bump on
// the fee, and no lower a fee rate.
func (m *Mempool) replaceable(old, e *entry) error {
	need, ok := old.tx.Fee, true
	if !m.cfg.NoReplaceFee {
		need, ok = bumpFee(old.tx.Fee, m.cfg.ReplaceBump)
	}
	if !ok || e.tx.Fee < need || e.rate.Cmp(old.rate) < 0 {
		return fmt.Errorf("%w: fee %d replacing %d, needs %d and no lower a rate",
			ErrReplaceFee, e.tx.Fee, old.tx.Fee, need)
	}
	return nil
}

// docs:end add

// bumpFee is fee plus percent of it, rounded down and at least 1 more,
// in 128 bits; false when that is past 2^64, which no fee can pay.
func bumpFee(fee, percent uint64) (uint64, bool) {
	hi, lo := bits.Mul64(fee, percent)
	if hi >= 100 {
		return math.MaxUint64, false
	}
	bump, _ := bits.Div64(hi, lo, 100)
	need, carry := bits.Add64(fee, max(bump, 1), 0)
	return need, carry == 0
}

// docs:begin make-room

// makeRoom evicts the lowest-paying last transactions until e fits, if
// each pays less a byte than e does. Its own sender's are never
// evicted: its chain would break under it. If e cannot fit, nothing is
// evicted.
func (m *Mempool) makeRoom(e, old *entry, own *queue) ([]*Tx, error) {
	count, size := len(m.byID)+1, m.bytes+e.size
	if old != nil {
		count, size = count-1, size-old.size
	}
	if count <= m.cfg.MaxCount && size <= m.cfg.MaxBytes {
		return nil, nil
	}
	if own != nil {
		heap.Remove(&m.tails, own.index)
		defer heap.Push(&m.tails, own)
	}
	var out []*entry
	for count > m.cfg.MaxCount || size > m.cfg.MaxBytes {
		if len(m.tails) == 0 || m.tails[0].tail().rate.Cmp(e.rate) >= 0 {
			for _, back := range slices.Backward(out) {
				m.restore(back)
			}
			return nil, fmt.Errorf("%w: %d transactions, %d bytes", ErrMempoolFull, len(m.byID), m.bytes)
		}
		victim := m.tails[0].tail()
		m.removeTail(m.tails[0])
		out = append(out, victim)
		count, size = count-1, size-victim.size
	}
	txs := make([]*Tx, len(out))
	for i, v := range out {
		txs[i] = v.tx
	}
	return txs, nil
}

// docs:end make-room

// insert puts an accepted entry in the pool, in place of old if any;
// a fresh one joins byAge, one put back keeps its place there.
func (m *Mempool) insert(e, old *entry, sender Address, fresh bool) {
	q := m.senders[sender]
	if q == nil {
		q = &queue{sender: sender}
		m.senders[sender] = q
		q.txs = append(q.txs, e)
		heap.Push(&m.tails, q)
	} else if old != nil {
		q.txs[slices.Index(q.txs, old)] = e
		q.spent -= old.tx.Cost()
		m.forget(old)
		heap.Fix(&m.tails, q.index)
	} else {
		q.txs = append(q.txs, e)
		heap.Fix(&m.tails, q.index)
	}
	q.spent += e.tx.Cost()
	m.byID[e.id] = e
	m.bytes += e.size
	if fresh {
		m.byAge = append(m.byAge, e)
	}
}

// forget takes an entry out of the indexes; its queue is the caller's.
func (m *Mempool) forget(e *entry) {
	delete(m.byID, e.id)
	m.bytes -= e.size
	e.removed = true
}

// removeTail takes a queue's last transaction out.
func (m *Mempool) removeTail(q *queue) {
	e := q.tail()
	q.txs = q.txs[:len(q.txs)-1]
	q.spent -= e.tx.Cost()
	m.forget(e)
	if len(q.txs) == 0 {
		heap.Remove(&m.tails, q.index)
		delete(m.senders, q.sender)
		return
	}
	heap.Fix(&m.tails, q.index)
}

// restore puts back an entry removeTail took, undoing an eviction: at
// its queue's end again, and in its old place in byAge, which kept it.
func (m *Mempool) restore(e *entry) {
	e.removed = false
	m.insert(e, nil, e.tx.Sender(), false)
}

// truncate takes out a queue's transactions from i on, and returns them.
func (m *Mempool) truncate(q *queue, i int) []*Tx {
	var out []*Tx
	for len(q.txs) > i {
		out = append(out, q.tail().tx)
		m.removeTail(q)
	}
	slices.Reverse(out)
	return out
}

// docs:begin expire

// Expire drops what has waited longer than MaxAge, with its sender's
// later transactions, which cannot be mined without it. It returns what
// it dropped.
func (m *Mempool) Expire(now time.Time) []*Tx {
	var out []*Tx
	for len(m.byAge) > 0 {
		e := m.byAge[0]
		if !e.removed && now.Sub(e.added) < m.cfg.MaxAge {
			break
		}
		m.byAge = m.byAge[1:]
		if e.removed {
			continue
		}
		q := m.senders[e.tx.Sender()]
		out = append(out, m.truncate(q, slices.Index(q.txs, e))...)
	}
	m.compact()
	return out
}

// docs:end expire

// compact copies byAge when removed entries fill most of it, so that
// its memory stays proportional to the pool.
func (m *Mempool) compact() {
	if len(m.byAge) < 2*len(m.byID)+64 {
		return
	}
	live := make([]*entry, 0, len(m.byID))
	for _, e := range m.byAge {
		if !e.removed {
			live = append(live, e)
		}
	}
	m.byAge = live
}
