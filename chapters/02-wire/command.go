package wire

import "fmt"

// checkCommand reports whether cmd can be sent as a command: 1 to
// CommandSize visible ASCII characters (no spaces, no control bytes).
func checkCommand(cmd string) error {
	if len(cmd) == 0 || len(cmd) > CommandSize {
		return fmt.Errorf("%w: %q is %d bytes, want 1 to %d",
			ErrBadCommand, cmd, len(cmd), CommandSize)
	}
	for i := range len(cmd) {
		if !visibleASCII(cmd[i]) {
			return fmt.Errorf("%w: %q has byte %#02x at %d",
				ErrBadCommand, cmd, cmd[i], i)
		}
	}
	return nil
}

// docs:begin parse-command

// parseCommand reads a command field: visible ASCII characters, then NUL
// bytes to the end. It also returns the index of the first bad byte.
// Bitcoin Core enforces the same padding rule: a command with bytes after
// its first NUL would read one way to a parser that stops at the NUL and
// another way to one that does not.
func parseCommand(field [CommandSize]byte) (string, int, error) {
	n := 0
	for n < CommandSize && field[n] != 0 {
		if !visibleASCII(field[n]) {
			return "", n, fmt.Errorf("%w: byte %#02x is not "+
				"visible ASCII", ErrBadCommand, field[n])
		}
		n++
	}
	if n == 0 {
		return "", 0, fmt.Errorf("%w: empty", ErrBadCommand)
	}
	for i := n; i < CommandSize; i++ {
		if field[i] != 0 {
			return "", i, fmt.Errorf("%w: byte %#02x after the "+
				"NUL padding began", ErrBadCommand, field[i])
		}
	}
	return string(field[:n]), 0, nil
}

// docs:end parse-command

func visibleASCII(c byte) bool { return c > ' ' && c <= '~' }
