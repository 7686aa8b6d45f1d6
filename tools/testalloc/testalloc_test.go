package testalloc

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
)

// allocSink and allocBackgroundSink keep TestBytes's allocations from
// being optimised away: the first for f, the second for the goroutine
// that allocates beside it.
var allocSink, allocBackgroundSink []byte

// TestAllocated checks the measure TestReadMessageMemory relies on: it
// sees what f allocates, and nothing another goroutine allocates at the
// same time.
func TestBytes(t *testing.T) {
	tests := []struct {
		name       string
		f          func()
		background bool // another goroutine allocates 1 MiB blocks meanwhile
		min, max   uint64
	}{
		{name: "what f allocates", f: func() { allocSink = make([]byte, 64<<10) }, min: 64 << 10, max: 64<<10 + 1<<10},
		{name: "nothing", f: func() {}, max: 0},
		{name: "not what another goroutine allocates", f: func() {}, background: true, max: 0},
		{name: "f's own among another goroutine's", f: func() { allocSink = make([]byte, 64<<10) }, background: true, min: 64 << 10, max: 64<<10 + 1<<10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f
			if tt.background {
				stop, done := make(chan struct{}), make(chan struct{})
				started := make(chan struct{})
				go func() {
					defer close(done)
					var keep []byte
					close(started)
					for {
						select {
						case <-stop:
							allocBackgroundSink = keep[:0]
							return
						default:
							keep = make([]byte, 1<<20)
						}
					}
				}()
				<-started
				f = func() {
					tt.f()
					for range 3 {
						runtime.Gosched() // let the other goroutine allocate
					}
				}
				defer func() { close(stop); <-done }()
			}
			got := Bytes(f)
			assert.GreaterOrEqual(t, got, tt.min, "bytes allocated")
			assert.LessOrEqual(t, got, tt.max, "bytes allocated")
		})
	}
}
