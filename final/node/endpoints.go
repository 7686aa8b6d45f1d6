package node

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// EndpointsFile is where a running node says, in its data directory,
// where it listens: how the devnet and `peerchain status --datadir`
// find a node started on port 0. It is removed when the node stops.
const EndpointsFile = "node.json"

// maxEndpointsSize bounds what ReadEndpoints reads.
const maxEndpointsSize = 4 << 10

// Endpoints is the content of EndpointsFile.
type Endpoints struct {
	PID    int    `json:"pid"`
	Listen string `json:"listen"` // peer connections
	API    string `json:"api"`    // http://API/api/v1/...
}

// writeEndpoints writes the file whole, or not at all: a reader never
// sees half of it.
func writeEndpoints(dir string, e Endpoints) error {
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, EndpointsFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(raw, '\n'), 0o600); err != nil {
		return fmt.Errorf("endpoints file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("endpoints file: %w", err)
	}
	return nil
}

// ReadEndpoints reads the endpoints of the node running on dir.
func ReadEndpoints(dir string) (Endpoints, error) {
	var e Endpoints
	path := filepath.Join(dir, EndpointsFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return e, fmt.Errorf("%w (is a node running on %s?)", err, dir)
	}
	if len(raw) > maxEndpointsSize {
		return e, fmt.Errorf("%s: larger than %d bytes", path, maxEndpointsSize)
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return e, fmt.Errorf("%s: %w", path, err)
	}
	if e.API == "" || e.Listen == "" {
		return e, fmt.Errorf("%s: no listen or api address", path)
	}
	return e, nil
}
