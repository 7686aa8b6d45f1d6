//go:build solution

package sockets

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// SplitLines returns a split function that makes a bufio.Scanner read the
// chat's line protocol safely. Each token is one line without its "\n"
// (and without a "\r" before it). The function fails with ErrLineTooLong
// as soon as more than maxLine bytes arrive without a newline (a "\r"
// is such a byte), and with io.ErrUnexpectedEOF when the input ends in
// the middle of a line.
func SplitLines(maxLine int) bufio.SplitFunc {
	return func(data []byte, atEOF bool) (int, []byte, error) {
		i := bytes.IndexByte(data, '\n')
		switch {
		case i > maxLine || (i < 0 && len(data) > maxLine):
			return 0, nil, fmt.Errorf("%w: limit %d", ErrLineTooLong, maxLine)
		case i >= 0:
			return i + 1, bytes.TrimSuffix(data[:i], []byte("\r")), nil
		case atEOF && len(data) > 0:
			return 0, nil, io.ErrUnexpectedEOF
		}
		return 0, nil, nil // no whole line yet: ask for more
	}
}
