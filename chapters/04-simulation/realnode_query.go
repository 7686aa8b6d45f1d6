package simulation

import (
	"context"
	"sync/atomic"
)

// docs:begin real-query

// Do runs f on the node's loop, between two events, and returns once f
// has run. f may read the machine, and change it, without a lock: no
// event is handled while it runs. It must be quick, as a Handle must.
// This is how the node's own side asks its machine something, an HTTP
// handler asking for the tip, say; the machine never needs a mutex.
//
// A Do waits its turn in the node's own lane, behind every Inject made
// before it, so it sees what they did. It waits while that lane is
// full, and, if called before Run, until Run starts. It returns ErrStopped once the
// node has stopped, and ctx.Err() if ctx ends first. When it returns an
// error, f has not run and never will.
func (n *RealNode) Do(ctx context.Context, f func(m Machine)) error {
	r := &doRequest{f: f, done: make(chan struct{})}
	if err := n.in.postCtx(ctx, r); err != nil {
		return err
	}
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
	case <-n.quit:
	}
	if r.state.CompareAndSwap(doWaiting, doAbandoned) {
		if err := ctx.Err(); err != nil {
			return err
		}
		return ErrStopped
	}
	<-r.done // the loop took it first: f is running
	return nil
}

// Query runs f on the node's loop, as Do does, and returns its result:
//
//	tip, err := simulation.Query(ctx, node, func(m simulation.Machine) int {
//		return m.(*Chain).Height()
//	})
func Query[T any](ctx context.Context, n *RealNode, f func(m Machine) T) (T, error) {
	var result T
	err := n.Do(ctx, func(m Machine) { result = f(m) })
	return result, err
}

// docs:end real-query

// doRequest is a Do waiting for the loop.
type doRequest struct {
	f     func(Machine)
	state atomic.Int32 // doWaiting, then whoever moves it first wins
	done  chan struct{}
}

const (
	doWaiting   = iota
	doRunning   // the loop took it
	doAbandoned // Do gave up: the loop must not run it
)

func (*doRequest) isEvent() {}

// run is the loop's side of a Do.
func (r *doRequest) run(m Machine) {
	if r.state.CompareAndSwap(doWaiting, doRunning) {
		r.f(m)
		close(r.done)
	}
}
