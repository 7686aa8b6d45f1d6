package devnet

import "io"

// maxWatchRead bounds each read of the parent's pipe; nothing is ever
// expected on it.
const maxWatchRead = 512

// docs:begin watch-parent

// WatchParent is the child's side of "no node outlives its devnet": it
// reads r, the pipe from the parent, until it closes (the parent exited,
// however it died), then calls stop. Run it on its own goroutine in a
// node started with --watch-stdin.
func WatchParent(r io.Reader, stop func()) {
	buf := make([]byte, maxWatchRead)
	for {
		if _, err := r.Read(buf); err != nil {
			stop()
			return
		}
	}
}

// docs:end watch-parent
