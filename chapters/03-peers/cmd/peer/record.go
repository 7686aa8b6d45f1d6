package main

import (
	"net"
	"os"
	"path/filepath"
)

// MaxRecordBytes bounds a recording: past it, the connection goes on but
// its bytes are no longer kept. A megabyte holds thousands of pings.
const MaxRecordBytes = 1 << 20

// recordPath is where --record FILE writes: a bare file name goes in the
// temporary directory, so that a recording never lands in the repository
// by accident; a path (./capture.bin, /tmp/x) is used as it is.
func recordPath(file string) string {
	if filepath.Base(file) == file {
		return filepath.Join(os.TempDir(), file)
	}
	return file
}

// recorder keeps a copy of every byte one connection receives, in a file
// that chapter 02's wiredump decodes:
//
//	go run ./chapters/02-wire/cmd/wiredump --raw < FILE
type recorder struct {
	file    *os.File
	err     error // the first failed write
	written int   // bytes kept, at most MaxRecordBytes
	full    bool  // it stopped at MaxRecordBytes
}

// wrap returns conn with its reads copied to the file; a nil recorder
// returns conn as it is.
func (r *recorder) wrap(conn net.Conn) net.Conn {
	if r == nil {
		return conn
	}
	return &recordedConn{Conn: conn, rec: r}
}

// close closes the file, and reports a write that failed before.
func (r *recorder) close() error {
	if err := r.file.Close(); r.err == nil {
		r.err = err
	}
	return r.err
}

// recordedConn is a connection whose reads are recorded. Only the peer's
// reader reads from it, so its writes to the file never overlap.
type recordedConn struct {
	net.Conn
	rec *recorder
}

func (c *recordedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	r := c.rec
	keep := min(n, MaxRecordBytes-r.written)
	if keep < n {
		r.full = true
	}
	if keep > 0 {
		if _, werr := r.file.Write(b[:keep]); werr != nil && r.err == nil {
			r.err = werr
		}
		r.written += keep
	}
	return n, err
}
