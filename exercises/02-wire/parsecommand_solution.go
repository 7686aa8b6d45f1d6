//go:build solution

package wire

import (
	"bytes"
	"fmt"
)

// ParseCommand reads the 12-byte command field of a message header.
func ParseCommand(field [12]byte) (string, error) {
	name, padding := field[:], []byte(nil)
	if end := bytes.IndexByte(field[:], 0); end >= 0 {
		name, padding = field[:end], field[end:]
	}
	if len(name) == 0 {
		return "", fmt.Errorf("%w: empty", ErrBadCommand)
	}
	for _, c := range name {
		if c < '!' || c > '~' {
			return "", fmt.Errorf("%w: %q is not visible ASCII", ErrBadCommand, c)
		}
	}
	if len(bytes.Trim(padding, "\x00")) > 0 {
		return "", fmt.Errorf("%w: data after the NUL padding", ErrBadCommand)
	}
	return string(name), nil
}
