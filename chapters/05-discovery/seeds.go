package discovery

import (
	"context"
	"fmt"
	"net"
	"strconv"

	simulation "peerchain/chapters/04-simulation"
)

// docs:begin resolver

// Resolver turns a DNS seed's name into node addresses: net.Resolver's
// method, so a *net.Resolver is one. A DNS seed is a name that resolves
// to many nodes' IPs, kept fresh by whoever runs it, which is how a
// Bitcoin node that knows nobody finds its first peers.
type Resolver interface {
	LookupHost(ctx context.Context, name string) ([]string, error)
}

// StaticResolver is a Resolver of fixed answers, for tests and the
// simulator: nothing reaches the internet.
type StaticResolver map[string][]string

// LookupHost implements Resolver.
func (s StaticResolver) LookupHost(_ context.Context, name string) ([]string, error) {
	addrs, ok := s[name]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return append([]string(nil), addrs...), nil
}

// ResolveSeed is the action by which the connection manager asks its
// driver to resolve a DNS seed: a machine does no I/O itself. The
// answer comes back as local input, SeedResolved.
type ResolveSeed struct {
	simulation.CustomAction
	Name string
	Port uint16 // for answers without one, as DNS answers are
}

// SeedResolved is the answer to a ResolveSeed.
type SeedResolved struct {
	Name  string
	Addrs []simulation.Addr
	Err   error
}

// docs:end resolver

// docs:begin resolve-hook

// ResolveHook returns a driver's OnAction hook that takes ResolveSeed
// actions: it asks r and hands the answer to inject, as Input for the
// connection manager. Give the simulator's hook inject =
// net.Inject(id, ·), and the real driver's a goroutine that calls
// node.Inject. It looks up synchronously, which is what the simulator
// needs to stay deterministic; a slow resolver belongs on its own
// goroutine, in the real driver's inject.
func ResolveHook(ctx context.Context, r Resolver,
	inject func(value any)) func(simulation.Action) bool {
	return func(a simulation.Action) bool {
		rs, ok := a.(ResolveSeed)
		if !ok {
			return false
		}
		hosts, err := r.LookupHost(ctx, rs.Name)
		ans := SeedResolved{Name: rs.Name, Err: err}
		for _, h := range hosts {
			if _, _, err := net.SplitHostPort(h); err != nil && rs.Port != 0 {
				h = net.JoinHostPort(h, strconv.Itoa(int(rs.Port)))
			}
			ans.Addrs = append(ans.Addrs, simulation.Addr(h))
		}
		if err != nil {
			ans.Err = fmt.Errorf("resolve seed %s: %w", rs.Name, err)
		}
		inject(Input{To: ConnManagerName, Value: ans})
		return true
	}
}

// docs:end resolve-hook
