package repo

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRootHoldsGoMod(t *testing.T) {
	root, err := Root(context.Background())
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "module peerchain")
}

func TestRootOutsideAModule(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("GO111MODULE", "on")
	_, err := Root(context.Background())
	assert.ErrorContains(t, err, "run this inside the peerchain module")
}
