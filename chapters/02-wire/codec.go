package wire

import (
	"encoding/binary"
	"fmt"
	"io"
)

// readChunk is how much readN reads at a time. Memory grows with the bytes
// that actually arrive, a chunk at a time, never with the length a peer
// claims.
const readChunk = 64 << 10 // 64 KiB

// readFull fills b from r. Running out of input, even before the first
// byte, is io.ErrUnexpectedEOF: inside a payload every field is expected.
func readFull(r io.Reader, b []byte) error {
	_, err := io.ReadFull(r, b)
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// docs:begin read-n

// readN reads exactly n bytes from r. It never allocates n bytes up front:
// a peer may claim 4 MiB and send 10 bytes. It reads a chunk at a time and
// grows its buffer as the bytes arrive, doubling it as append does, so
// its buffer is never much more than twice what arrived, plus a chunk.
// On error it returns what it read.
func readN(r io.Reader, n int) ([]byte, error) {
	var buf []byte
	for len(buf) < n {
		chunk := min(n-len(buf), readChunk)
		if cap(buf)-len(buf) < chunk {
			size := min(max(2*cap(buf), len(buf)+chunk), n)
			grown := make([]byte, len(buf), size)
			copy(grown, buf)
			buf = grown
		}
		got, err := io.ReadFull(r, buf[len(buf):len(buf)+chunk])
		buf = buf[:len(buf)+got]
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// docs:end read-n

// encoder writes a payload field by field. The first error sticks, and
// later writes do nothing, so Encode methods read as a list of fields and
// check one error at the end.
type encoder struct {
	w   io.Writer
	err error
	buf [8]byte
}

func (e *encoder) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *encoder) uint32(v uint32) {
	e.write(binary.LittleEndian.AppendUint32(e.buf[:0], v))
}

func (e *encoder) uint64(v uint64) {
	e.write(binary.LittleEndian.AppendUint64(e.buf[:0], v))
}

func (e *encoder) bool(v bool) {
	b := byte(0)
	if v {
		b = 1
	}
	e.write([]byte{b})
}

func (e *encoder) netAddress(a NetAddress) {
	if e.err == nil {
		e.err = WriteNetAddress(e.w, a)
	}
}

func (e *encoder) varString(s string) {
	if e.err == nil {
		e.err = WriteVarString(e.w, s)
	}
}

// decoder reads a payload field by field, the mirror of encoder: the first
// error sticks, and fields after it read as zero.
type decoder struct {
	r   io.Reader
	err error
	buf [8]byte
}

func (d *decoder) read(n int) []byte {
	b := d.buf[:n]
	if d.err == nil {
		d.err = readFull(d.r, b)
	}
	if d.err != nil {
		clear(b)
	}
	return b
}

func (d *decoder) uint32() uint32 {
	return binary.LittleEndian.Uint32(d.read(4))
}

func (d *decoder) uint64() uint64 {
	return binary.LittleEndian.Uint64(d.read(8))
}

// optionalBool reads a bool that old senders leave out as the last field
// of a payload: absent is its value when the payload has already ended.
func (d *decoder) optionalBool(field string, absent bool) bool {
	if d.err != nil {
		return false
	}
	_, err := io.ReadFull(d.r, d.buf[:1])
	switch {
	case err == io.EOF:
		return absent
	case err != nil:
		d.err = err
		return false
	}
	return d.checkBool(field, d.buf[0])
}

// checkBool turns a byte into a bool. Only 0 and 1 are allowed: another
// value would decode to the same bool and so could not be re-encoded to
// the same bytes.
func (d *decoder) checkBool(field string, b byte) bool {
	if d.err == nil && b > 1 {
		d.err = fmt.Errorf("%s: %w: a bool is 0 or 1, not %#02x",
			field, ErrNonCanonical, b)
	}
	return b == 1
}

func (d *decoder) netAddress() NetAddress {
	if d.err != nil {
		return NetAddress{}
	}
	a, err := ReadNetAddress(d.r)
	d.err = err
	return a
}

// varString reads a string of at most maxLen bytes; an error names the
// field.
func (d *decoder) varString(field string, maxLen int) string {
	if d.err != nil {
		return ""
	}
	s, err := ReadVarString(d.r, maxLen)
	if err != nil {
		d.err = fmt.Errorf("%s: %w", field, err)
	}
	return s
}
