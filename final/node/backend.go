package node

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/final/api"
)

// The node is the API's Backend: each call runs on the real driver's
// loop, through Query, between two events, so the machine needs no lock.

// query runs f on the loop and returns its result.
func query[T any](ctx context.Context, n *Node, f func(m *Machine, now time.Time) T) (T, error) {
	v, err := simulation.Query(ctx, n.real, func(simulation.Machine) T { return f(n.machine, time.Now()) })
	if errors.Is(err, simulation.ErrStopped) {
		err = fmt.Errorf("%w: %v", api.ErrUnavailable, err)
	}
	return v, err
}

// Status implements api.Backend.
func (n *Node) Status(ctx context.Context) (api.Status, error) {
	s, err := query(ctx, n, (*Machine).Status)
	s.Name = n.cfg.Name
	s.UserAgent = "/peerchain:0.1/"
	s.Network = "devnet"
	s.Mining = n.cfg.Mine
	s.API = n.APIAddr()
	s.Started = n.started.UTC().Truncate(time.Second)
	s.Uptime = time.Since(n.started).Truncate(time.Second).String()
	return s, err
}

// Peers implements api.Backend.
func (n *Node) Peers(ctx context.Context) ([]api.Peer, error) {
	return query(ctx, n, func(m *Machine, _ time.Time) []api.Peer { return m.PeerList() })
}

// Book implements api.Backend.
func (n *Node) Book(ctx context.Context) (api.Book, error) {
	return query(ctx, n, func(m *Machine, _ time.Time) api.Book {
		b := m.BookSummary()
		return api.Book{New: b.New, Tried: b.Tried}
	})
}

// Bans implements api.Backend.
func (n *Node) Bans(ctx context.Context) ([]api.Ban, error) {
	return query(ctx, n, (*Machine).BanList)
}

// Ban implements api.Backend: the operator protocol bans the peer.
func (n *Node) Ban(ctx context.Context, req api.BanRequest) (api.Ban, error) {
	if _, err := netip.ParseAddrPort(req.Addr); err != nil {
		return api.Ban{}, api.BadRequest(fmt.Errorf("ban: %q is not IP:PORT", req.Addr))
	}
	reason := req.Reason
	if reason == "" {
		reason = "banned by the operator"
	}
	r := banRequest{addr: simulation.Addr(req.Addr), reason: reason, reply: make(chan banReply, 1)}
	if err := n.inject(ctx, operatorName, r); err != nil {
		return api.Ban{}, err
	}
	select {
	case rep := <-r.reply:
		return api.Ban{Key: rep.ban.Key, Until: rep.ban.Until, Reason: rep.ban.Reason}, rep.err
	case <-ctx.Done():
		return api.Ban{}, ctx.Err()
	}
}

// Unban implements api.Backend: the operator protocol lifts the ban,
// and the bans are saved again soon.
func (n *Node) Unban(ctx context.Context, addr string) (api.Unbanned, error) {
	if _, err := netip.ParseAddrPort(addr); err != nil {
		return api.Unbanned{}, api.BadRequest(fmt.Errorf("unban: %q is not IP:PORT", addr))
	}
	r := unbanRequest{addr: simulation.Addr(addr), reply: make(chan bool, 1)}
	if err := n.inject(ctx, operatorName, r); err != nil {
		return api.Unbanned{}, err
	}
	select {
	case was := <-r.reply:
		if !was {
			return api.Unbanned{}, api.NotFound(fmt.Errorf("unban: %s is not banned", addr))
		}
		signal(n.saveSoon)
		return api.Unbanned{Addr: addr}, nil
	case <-ctx.Done():
		return api.Unbanned{}, ctx.Err()
	}
}

// Connect implements api.Backend: the operator protocol dials.
func (n *Node) Connect(ctx context.Context, addr string) error {
	if _, err := netip.ParseAddrPort(addr); err != nil {
		return api.BadRequest(fmt.Errorf("connect: %q is not IP:PORT", addr))
	}
	r := connectRequest{addr: simulation.Addr(addr), reply: make(chan error, 1)}
	if err := n.inject(ctx, operatorName, r); err != nil {
		return err
	}
	select {
	case err := <-r.reply:
		if errors.Is(err, ErrRefused) {
			err = api.BadRequest(err)
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// docs:begin publish

// Publish implements api.Backend: the data becomes a blob, handed to
// the broadcast protocol, through the relay that holds it, as local
// input, unless the node has it.
func (n *Node) Publish(ctx context.Context, data []byte) (api.Published, error) {
	if size := len(data); size == 0 || size > broadcast.BlobMaxSize {
		err := fmt.Errorf("publish: %d bytes: want 1 to %d",
			size, broadcast.BlobMaxSize)
		return api.Published{}, api.BadRequest(err)
	}
	it := newBlob(data)
	p := api.Published{ID: it.ID.Hex(), Size: len(data)}
	held, err := query(ctx, n, func(m *Machine, _ time.Time) bool {
		return m.Broadcast().Has(it.ID)
	})
	if err != nil || held {
		return p, err
	}
	p.New = true
	return p, n.inject(ctx, transactions.Name, broadcast.Publish{Item: it})
}

// docs:end publish

// Items implements api.Backend.
func (n *Node) Items(ctx context.Context) (api.Items, error) {
	return query(ctx, n, func(m *Machine, _ time.Time) api.Items { return m.ItemList() })
}

// Item implements api.Backend.
func (n *Node) Item(ctx context.Context, id string) (api.Item, error) {
	bid, err := broadcast.ParseID(id)
	if err != nil {
		return api.Item{}, api.BadRequest(err)
	}
	type found struct {
		it api.Item
		ok bool
	}
	f, err := query(ctx, n, func(m *Machine, _ time.Time) found {
		it, ok := m.Item(bid)
		return found{it, ok}
	})
	if err == nil && !f.ok {
		err = api.NotFound(fmt.Errorf("this node does not hold item %s", id))
	}
	return f.it, err
}

// inject hands a protocol of the machine local input.
func (n *Node) inject(ctx context.Context, to string, v any) error {
	err := n.real.Inject(ctx, discovery.Input{To: to, Value: v})
	if errors.Is(err, simulation.ErrStopped) {
		err = fmt.Errorf("%w: %v", api.ErrUnavailable, err)
	}
	return err
}

var _ api.Backend = (*Node)(nil)
