package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Bounds on the event stream.
const (
	// MaxSubscribers is how many event streams may be open at once; one
	// more is refused with 503.
	MaxSubscribers = 32
	// SubscriberBuffer is how many events may wait for one stream. A
	// client that falls this far behind is cut off (it may reconnect)
	// rather than slowing the node, which publishes without waiting.
	SubscriberBuffer = 256
)

// ErrTooManySubscribers: MaxSubscribers streams are open already.
var ErrTooManySubscribers = errors.New("too many event streams")

// Event is one thing the node emitted, as the stream sends it.
type Event struct {
	Seq  uint64          `json:"seq"`
	At   time.Time       `json:"at"`
	Type string          `json:"type"` // "banned", "peer_connected", ...
	Data json.RawMessage `json:"data"`
}

// Hub hands every event published to every open stream. Publish never
// waits: the node calls it from its loop.
type Hub struct {
	mu     sync.Mutex
	seq    uint64
	subs   map[*Subscription]struct{}
	closed bool
}

// Subscription is one stream's queue of events.
type Subscription struct {
	hub  *Hub
	ch   chan Event
	done chan struct{} // closed when the hub drops it
}

// Events is where the subscription's events arrive.
func (s *Subscription) Events() <-chan Event { return s.ch }

// Done is closed when the subscription ends: closed, cut off for
// falling behind, or the hub closed.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Close ends the subscription.
func (s *Subscription) Close() { s.hub.unsubscribe(s) }

// NewHub returns a hub with no streams.
func NewHub() *Hub { return &Hub{subs: make(map[*Subscription]struct{})} }

// Publish sends an event of the given type, its data encoded as JSON,
// to every stream. A value that does not encode is sent as its text.
func (h *Hub) Publish(at time.Time, typ string, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		raw, _ = json.Marshal(map[string]string{"text": fmt.Sprint(data)})
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.seq++
	ev := Event{Seq: h.seq, At: at.UTC(), Type: typ, Data: raw}
	for s := range h.subs {
		select {
		case s.ch <- ev:
		default: // too far behind: cut it off
			h.drop(s)
		}
	}
}

// Subscribe opens a stream of the events published from now on.
func (h *Hub) Subscribe() (*Subscription, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errors.New("node stopping")
	}
	if len(h.subs) >= MaxSubscribers {
		return nil, fmt.Errorf("%w: %d open", ErrTooManySubscribers, MaxSubscribers)
	}
	s := &Subscription{hub: h, ch: make(chan Event, SubscriberBuffer), done: make(chan struct{})}
	h.subs[s] = struct{}{}
	return s, nil
}

// unsubscribe closes a stream, if the hub has not dropped it already.
func (h *Hub) unsubscribe(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		h.drop(s)
	}
}

func (h *Hub) drop(s *Subscription) {
	delete(h.subs, s)
	close(s.done)
}

// Close ends every stream; later Publishes do nothing.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		h.drop(s)
	}
}

// Subscribers is how many streams are open.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
