package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// The cookie file, after bitcoind's .cookie: a fresh random token each
// time the node starts, in a file only its owner can read, so whoever
// can read the node's data directory can call the API's mutating
// endpoints, and nobody else.
const (
	// CookieFile is the token file's name in the data directory.
	CookieFile = "api.cookie"
	// CookieMode is its permissions: the owner's only.
	CookieMode os.FileMode = 0o600
	// tokenBytes is the token's randomness: 256 bits, in hex.
	tokenBytes = 32
	// maxCookieSize bounds what ReadCookie reads.
	maxCookieSize = 1024
)

// NewToken returns a fresh random token.
func NewToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("api token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// WriteCookie writes a fresh token to path, readable by its owner only,
// and returns it. A file left by an earlier run is replaced.
func WriteCookie(path string) (string, error) {
	token, err := NewToken()
	if err != nil {
		return "", err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(token+"\n"), CookieMode); err != nil {
		return "", fmt.Errorf("cookie file: %w", err)
	}
	// WriteFile keeps the mode of a file that was there already.
	if err := os.Chmod(tmp, CookieMode); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("cookie file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("cookie file: %w", err)
	}
	return token, nil
}

// ReadCookie reads the token a node wrote to path.
func ReadCookie(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("cookie file: %w (is the node running, with this data directory?)", err)
	}
	defer f.Close()
	buf := make([]byte, maxCookieSize+1)
	n, _ := f.Read(buf)
	if n > maxCookieSize {
		return "", fmt.Errorf("cookie file %s: longer than %d bytes", path, maxCookieSize)
	}
	token := strings.TrimSpace(string(buf[:n]))
	if token == "" {
		return "", fmt.Errorf("cookie file %s: empty", path)
	}
	return token, nil
}

// errToken is what a mutating call gets without the right token.
var errToken = errors.New("this call needs the node's API token: send the contents of " +
	CookieFile + " in its data directory as \"Authorization: Bearer TOKEN\"")

// checkToken reports whether an Authorization header carries token.
func checkToken(header, token string) bool {
	got, ok := strings.CutPrefix(header, "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}
