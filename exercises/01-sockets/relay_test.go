package sockets

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

func TestRelay(t *testing.T) {
	// peer describes one outbox: its free room before Relay runs.
	type peer struct {
		name string
		room int // 0: an unbuffered channel nobody reads
	}
	tests := []struct {
		name     string
		from     string
		peers    []peer
		wantGot  []string // peers that get the line
		wantSlow []string
	}{
		{name: "everyone but the sender", from: "a", peers: []peer{{"a", 1}, {"b", 1}, {"c", 1}}, wantGot: []string{"b", "c"}},
		{name: "sender not in the list", from: "x", peers: []peer{{"a", 1}, {"b", 1}}, wantGot: []string{"a", "b"}},
		{name: "only the sender", from: "a", peers: []peer{{"a", 1}}},
		{name: "no peers", from: "a"},
		{name: "a full outbox is skipped, not waited for", from: "a", peers: []peer{{"a", 1}, {"b", 0}, {"c", 1}}, wantGot: []string{"c"}, wantSlow: []string{"b"}},
		{name: "the sender's full outbox does not matter", from: "a", peers: []peer{{"a", 0}, {"b", 1}}, wantGot: []string{"b"}},
		{name: "all slow", from: "a", peers: []peer{{"b", 0}, {"c", 0}}, wantSlow: []string{"b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			var outboxes []Outbox
			for _, p := range tt.peers {
				outboxes = append(outboxes, Outbox{Peer: p.name, Lines: make(chan string, p.room)})
			}
			var slow []string
			exercise.Within(t, 5*time.Second, func() {
				slow = Relay("hello", tt.from, outboxes)
			})

			var got []string
			for _, o := range outboxes {
				select {
				case line := <-o.Lines:
					assert.Equal(t, "hello", line, "line queued for %s", o.Peer)
					got = append(got, o.Peer)
				default:
				}
			}
			assert.Equal(t, tt.wantGot, got, "peers that got the line")
			assert.Equal(t, tt.wantSlow, slow, "peers reported slow")
		})
	}
}
