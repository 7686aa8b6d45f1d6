package naive

import (
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestOneMessageArrivesAsTwo shows the sketch's framing bug: it takes
// whatever one Read returns for one message. A 1,500-byte message, sent
// with one Write, comes out of a 1,024-byte buffer in two pieces.
func TestOneMessageArrivesAsTwo(t *testing.T) {
	var got []string
	n := &Node{OnMessage: func(m string) { got = append(got, m) }}
	theirs, ours := net.Pipe()
	done := make(chan struct{})
	go func() {
		n.handleClient(ours)
		close(done)
	}()
	theirs.Write([]byte(strings.Repeat("x", 1500)))
	theirs.Close()
	<-done

	assert.Len(t, got, 2, "one message was sent")
	assert.Len(t, got[0], 1024)
	assert.Len(t, got[1], 476)
}
