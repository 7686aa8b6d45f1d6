package broadcast

// fifoMap is a map that forgets its oldest key when full: the
// seen-cache, each peer's record of what it knows, and the trees it
// does not push on. A key deleted and added again counts as new.
type fifoMap[K comparable, V any] struct {
	limit int
	m     map[K]fifoEntry[V]
	ring  []fifoKey[K]
	next  int    // where the next key goes, once the ring is full
	seq   uint64 // how many adds so far: which ring slot owns a key
}

type fifoEntry[V any] struct {
	v   V
	seq uint64
}

type fifoKey[K comparable] struct {
	k   K
	seq uint64
}

func newFIFOMap[K comparable, V any](limit int) *fifoMap[K, V] {
	return &fifoMap[K, V]{limit: limit, m: make(map[K]fifoEntry[V])}
}

func (s *fifoMap[K, V]) get(k K) (V, bool) {
	e, ok := s.m[k]
	return e.v, ok
}

func (s *fifoMap[K, V]) has(k K) bool {
	_, ok := s.m[k]
	return ok
}

// put sets k to v. A new key past the limit forgets the oldest. It
// reports whether k was new.
func (s *fifoMap[K, V]) put(k K, v V) bool {
	if e, ok := s.m[k]; ok {
		s.m[k] = fifoEntry[V]{v: v, seq: e.seq}
		return false
	}
	s.seq++
	if len(s.ring) < s.limit {
		s.ring = append(s.ring, fifoKey[K]{k, s.seq})
	} else {
		old := s.ring[s.next]
		if e, ok := s.m[old.k]; ok && e.seq == old.seq {
			delete(s.m, old.k)
		}
		s.ring[s.next] = fifoKey[K]{k, s.seq}
		s.next = (s.next + 1) % s.limit
	}
	s.m[k] = fifoEntry[V]{v: v, seq: s.seq}
	return true
}

// del forgets k. Its ring slot stays until it is reused.
func (s *fifoMap[K, V]) del(k K) { delete(s.m, k) }

func (s *fifoMap[K, V]) len() int { return len(s.m) }

// fifoSet is a fifoMap of keys alone.
type fifoSet struct{ fifoMap[ID, struct{}] }

func newFIFOSet(limit int) *fifoSet {
	return &fifoSet{*newFIFOMap[ID, struct{}](limit)}
}

// add puts id in the set and reports whether it was new.
func (s *fifoSet) add(id ID) bool { return s.put(id, struct{}{}) }
