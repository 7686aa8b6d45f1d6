package devnet

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LayoutFile is where a devnet notes, in its directory, where each node
// listened: a devnet started again on the same --dir puts each node back
// on its old addresses, so that the address books the nodes saved still
// point at each other.
const LayoutFile = "devnet.json"

// maxLayoutSize bounds what readLayout reads.
const maxLayoutSize = 1 << 20

// place is where one node listens.
type place struct {
	Name   string `json:"name"`
	Listen string `json:"listen"`
	API    string `json:"api"`
}

// readLayout reads the layout a devnet left in dir; none is no error.
func readLayout(dir string) (map[string]place, error) {
	path := filepath.Join(dir, LayoutFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(raw) > maxLayoutSize {
		return nil, fmt.Errorf("%s: larger than %d bytes; remove it to start on fresh ports", path, maxLayoutSize)
	}
	var places []place
	if err := json.Unmarshal(raw, &places); err != nil {
		return nil, fmt.Errorf("%s: %v; remove it to start on fresh ports", path, err)
	}
	out := make(map[string]place, len(places))
	for _, p := range places {
		out[p.Name] = p
	}
	return out, nil
}

// writeLayout notes where the nodes listen, whole or not at all.
func writeLayout(dir string, states []NodeState) error {
	places := make([]place, 0, len(states))
	for _, s := range states {
		if s.Listen != "" {
			places = append(places, place{Name: s.Name, Listen: s.Listen, API: s.API})
		}
	}
	raw, err := json.MarshalIndent(places, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, LayoutFile)
	if err := os.WriteFile(path+".tmp", append(raw, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}
