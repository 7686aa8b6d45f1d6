package simulation

import "time"

// Emitted is one Emit action, as the simulator recorded it.
type Emitted struct {
	At    time.Time
	Node  NodeID
	Value any
}

// emit records an Emit and hands it to OnEmit.
func (n *Network) emit(id NodeID, v any, at time.Duration) {
	e := Emitted{At: Epoch.Add(at), Node: id, Value: v}
	n.stats.Emitted++
	if n.cfg.OnEmit != nil {
		n.cfg.OnEmit(e)
	}
	if len(n.emitted) < n.cfg.MaxEmitted {
		n.emitted = append(n.emitted, e)
		return
	}
	n.emitted[(n.stats.Emitted-1)%uint64(n.cfg.MaxEmitted)] = e
}

// Emitted returns what the nodes emitted, oldest first: all of it, or
// the last Config.MaxEmitted records when there were more.
func (n *Network) Emitted() []Emitted {
	if n.stats.Emitted <= uint64(len(n.emitted)) {
		return append([]Emitted(nil), n.emitted...)
	}
	start := int(n.stats.Emitted % uint64(len(n.emitted)))
	return append(append([]Emitted(nil), n.emitted[start:]...), n.emitted[:start]...)
}
