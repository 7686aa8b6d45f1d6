package main

import (
	"net"
	"os"
)

// recorder keeps a copy of every byte one connection receives, in a file
// that chapter 02's wiredump decodes:
//
//	go run ./chapters/02-wire/cmd/wiredump --raw < FILE
type recorder struct {
	file *os.File
	err  error // the first failed write
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
	if _, werr := c.rec.file.Write(b[:n]); werr != nil && c.rec.err == nil {
		c.rec.err = werr
	}
	return n, err
}
