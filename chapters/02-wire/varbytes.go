package wire

import (
	"fmt"
	"io"
)

// WriteVarBytes writes b with its length first, as a CompactSize.
func WriteVarBytes(w io.Writer, b []byte) error {
	if err := WriteCompactSize(w, uint64(len(b))); err != nil {
		return err
	}
	_, err := w.Write(b)
	return err
}

// docs:begin read-var-bytes

// ReadVarBytes reads a length as a CompactSize and then that many bytes.
// A length over maxLen fails with ErrTooLong before a byte of it is read,
// and memory grows only as the bytes arrive.
func ReadVarBytes(r io.Reader, maxLen int) ([]byte, error) {
	n, err := ReadCompactSize(r)
	if err != nil {
		return nil, err
	}
	if n > uint64(max(maxLen, 0)) {
		return nil, fmt.Errorf("%w: %d bytes, limit %d",
			ErrTooLong, n, maxLen)
	}
	if p, ok := r.(*payloadReader); ok {
		return p.next(int(n)) // a slice of the payload: no copy
	}
	b, err := readN(r, int(n))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// docs:end read-var-bytes

// WriteVarString writes s with its length first, as a CompactSize.
func WriteVarString(w io.Writer, s string) error {
	if err := WriteCompactSize(w, uint64(len(s))); err != nil {
		return err
	}
	_, err := io.WriteString(w, s)
	return err
}

// ReadVarString reads a string written by WriteVarString, of at most maxLen
// bytes. It does not check that the bytes are UTF-8: a string from a peer
// is data, to be printed with %q.
func ReadVarString(r io.Reader, maxLen int) (string, error) {
	b, err := ReadVarBytes(r, maxLen)
	return string(b), err
}
