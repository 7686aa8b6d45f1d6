package sync

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfig(t *testing.T) {
	tree := newTree(t)
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"the defaults", Config{Tree: tree}, false},
		{"no tree", Config{}, true},
		{"a negative window", Config{Tree: tree, Window: -1}, true},
		{"a window past the bound", Config{Tree: tree, Window: MaxWindow + 1}, true},
		{"a negative timeout", Config{Tree: tree, StallTimeout: -1}, true},
		{"a negative budget", Config{Tree: tree, MaxHeadersPerPeer: -1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg)
			if tt.wantErr {
				assert.ErrorIs(t, err, ErrConfig)
				assert.Nil(t, s)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, DefaultWindow, s.cfg.Window)
			assert.Equal(t, DefaultStallTimeout, s.cfg.StallTimeout)
			assert.Equal(t, DefaultBlockTimeout, s.cfg.BlockTimeout)
			assert.Equal(t, DefaultMaxHeadersPerPeer, s.cfg.MaxHeadersPerPeer)
			assert.NotNil(t, s.cfg.Accept)
		})
	}
}

// TestNewHoldsTheTreesChain: a node restarted with a chain starts with
// its headers, so its locator says how far it is.
func TestNewHoldsTheTreesChain(t *testing.T) {
	chain := chainOf(t, 30)
	s := newSync(t, treeOf(t, chain))
	assert.Equal(t, 31, s.Headers().Len())
	assert.Equal(t, chain[29].Hash(), s.Headers().Best().Hash)
	assert.False(t, s.Synced(), "not before a peer says so")
}
