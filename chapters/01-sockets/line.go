package sockets

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Errors a line can cause. Callers test for them with errors.Is.
var (
	ErrLineTooLong = errors.New("line too long")
	ErrLineBreak   = errors.New("line contains a line break")
)

// docs:begin read-line

// newLineReader wraps r in a buffer that holds exactly one longest line
// and its newline, so that reading a longer line fails instead of
// growing memory without bound.
func newLineReader(r io.Reader, maxLine int) *bufio.Reader {
	return bufio.NewReaderSize(r, maxLine+1)
}

// readLine reads one line from r, made by newLineReader, and returns it
// without its "\n" (or "\r\n", which telnet and some nc builds send).
// It fails with ErrLineTooLong when no newline comes within maxLine
// bytes, and with io.ErrUnexpectedEOF when the peer hangs up mid-line.
func readLine(r *bufio.Reader, maxLine int) (string, error) {
	b, err := r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", fmt.Errorf("%w: no newline in %d bytes",
			ErrLineTooLong, len(b))
	case err == io.EOF && len(b) > 0:
		return "", io.ErrUnexpectedEOF
	case err != nil:
		return "", err // io.EOF between lines is a clean hang-up
	}
	line := b[:len(b)-1]
	if len(line) > maxLine { // bufio's buffer is never under 16 bytes
		return "", fmt.Errorf("%w: %d bytes, limit %d",
			ErrLineTooLong, len(line), maxLine)
	}
	return strings.TrimSuffix(string(line), "\r"), nil
}

// docs:end read-line

// docs:begin check-line

// checkLine rejects a line that cannot be sent as one line: a line break
// inside it would reach the peer as two lines.
func checkLine(line string, maxLine int) error {
	if strings.ContainsAny(line, "\r\n") {
		return ErrLineBreak
	}
	if len(line) > maxLine {
		return fmt.Errorf("%w: %d bytes, limit %d",
			ErrLineTooLong, len(line), maxLine)
	}
	return nil
}

// docs:end check-line
