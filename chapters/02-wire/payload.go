package wire

import (
	"io"
	"sync"
)

// This file holds how a payload is read and decoded without copying it
// more than once: the chapter's page explains why in "How fast is it?",
// and the code that teaches the idea is readN, in codec.go.

// chunks lends out the buffers readPayload reads large payloads into,
// so that reading one costs one allocation of its exact size.
var chunks = sync.Pool{New: func() any { return new([readChunk]byte) }}

// readPayload reads exactly n bytes, as readN does, with the same
// promise: memory grows only with what has arrived. A payload of up to a
// chunk is read straight into a buffer of its size. A larger one is read
// a chunk at a time into borrowed buffers, and copied once, when all of
// it is there, into a buffer of exactly n bytes, instead of into a buffer
// that doubles as it grows. It returns how many bytes arrived, and on
// error no payload.
func readPayload(r io.Reader, n int) ([]byte, int, error) {
	if n <= readChunk {
		b := make([]byte, n)
		got, err := io.ReadFull(r, b)
		if err != nil {
			return nil, got, eofIsUnexpected(err)
		}
		return b, n, nil
	}
	var held []*[readChunk]byte
	defer func() {
		for _, c := range held {
			chunks.Put(c)
		}
	}()
	got := 0
	for got < n {
		c := chunks.Get().(*[readChunk]byte)
		held = append(held, c)
		k, err := io.ReadFull(r, c[:min(n-got, readChunk)])
		got += k
		if err != nil {
			return nil, got, eofIsUnexpected(err)
		}
	}
	b := make([]byte, n)
	for i, c := range held {
		copy(b[i*readChunk:], c[:])
	}
	return b, n, nil
}

func eofIsUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// payloadReader reads a payload that is all in memory. ReadVarBytes
// takes its byte fields as slices of the payload instead of copies: the
// payload was made for this one message, and a message is never changed
// once decoded, so sharing its memory is safe.
type payloadReader struct {
	b   []byte
	off int
}

func (p *payloadReader) Read(b []byte) (int, error) {
	if p.off >= len(p.b) {
		return 0, io.EOF
	}
	n := copy(b, p.b[p.off:])
	p.off += n
	return n, nil
}

// Len is how many bytes are left.
func (p *payloadReader) Len() int { return len(p.b) - p.off }

// next returns the next n bytes as a slice of the payload, capped so that
// an append to it cannot write over what follows.
func (p *payloadReader) next(n int) ([]byte, error) {
	if n > p.Len() {
		p.off = len(p.b)
		return nil, io.ErrUnexpectedEOF
	}
	b := p.b[p.off : p.off+n : p.off+n]
	p.off += n
	return b, nil
}
