package discovery

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"

	simulation "peerchain/chapters/04-simulation"
	chapter "peerchain/chapters/05-discovery"
	"peerchain/tools/exercise"
)

func TestGroup(t *testing.T) {
	tests := []struct {
		name string
		addr simulation.Addr
		want string
	}{
		{name: "IPv4", addr: "203.0.113.7:8333", want: "203.0"},
		{name: "IPv4 without a port", addr: "198.51.100.250", want: "198.51"},
		{name: "IPv4-mapped", addr: "[::ffff:203.0.113.7]:8333", want: "203.0"},
		{name: "IPv6", addr: "[2001:db8:1234::7]:8333", want: "2001:db8::/32"},
		{name: "loopback", addr: "127.0.0.1:7001", want: "127.0.0.1:7001"},
		{name: "unspecified", addr: "0.0.0.0:8333", want: "0.0.0.0:8333"},
		{name: "simulator", addr: "sim-42", want: "sim-42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Equal(t, tt.want, Group(tt.addr))
		})
	}
}

// TestGroup_LikeTheChapter: on a thousand random addresses, the same
// answers as the chapter's Group.
func TestGroup_LikeTheChapter(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	r := rand.New(rand.NewPCG(5, 5))
	for range 1000 {
		var a simulation.Addr
		if r.IntN(2) == 0 {
			a = simulation.Addr(fmt.Sprintf("%d.%d.%d.%d:%d", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(65536)))
		} else {
			a = simulation.Addr(fmt.Sprintf("[%x:%x:%x::%x]:8333", r.IntN(65536), r.IntN(65536), r.IntN(65536), r.IntN(65536)))
		}
		assert.Equal(t, chapter.Group(a), Group(a), "%s", a)
	}
}
