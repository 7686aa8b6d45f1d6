package blocks

import (
	"bytes"

	wire "peerchain/chapters/02-wire"
)

// appendCompactSize appends n as chapter 02's WriteCompactSize writes
// it.
func appendCompactSize(b []byte, n uint64) []byte {
	buf := bytes.NewBuffer(b)
	_ = wire.WriteCompactSize(buf, n) // a bytes.Buffer does not fail
	return buf.Bytes()
}
