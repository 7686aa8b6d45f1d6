// Package testbytes holds what the tests of the chapters' encoders and
// decoders share: hex laid out field by field, and a writer that breaks
// part way through, as a connection does.
package testbytes

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
)

// MustHex decodes a hex literal in a test table. It ignores whitespace
// and "#" comments to the end of a line, so that a long message can be
// laid out field by field. Bad hex is a bug in the test: it panics.
func MustHex(s string) []byte {
	var digits strings.Builder
	for _, line := range strings.Split(s, "\n") {
		line, _, _ = strings.Cut(line, "#")
		digits.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(digits.String())
	if err != nil {
		panic(err)
	}
	return b
}

// ErrWrite is what a FailWriter returns once its budget is spent.
var ErrWrite = errors.New("write failed")

// FailWriter accepts Budget bytes, keeping them in Buf, and then fails
// with ErrWrite, like a connection that breaks in the middle of a
// write: an encoder must return the error, whichever write it hits.
type FailWriter struct {
	Budget int
	Buf    bytes.Buffer
}

func (w *FailWriter) Write(p []byte) (int, error) {
	n := min(len(p), w.Budget)
	w.Buf.Write(p[:n])
	w.Budget -= n
	if n < len(p) {
		return n, ErrWrite
	}
	return n, nil
}
