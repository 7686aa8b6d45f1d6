package main

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/command/commandtest"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

var blockLine = regexp.MustCompile(`(?m)^ +(\d+)  ([0-9a-f]{8})  `)

func TestMine(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantBlocks int
	}{
		{"three easy blocks, one thread", []string{"-easy", "-blocks", "3", "-threads", "1"}, 3},
		{"five easy blocks, every core", []string{"-easy", "-blocks", "5"}, 5},
		{"no blocks: the genesis check only", []string{"-blocks", "0"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := commandtest.Run(t, run, append([]string{"mine"}, tt.args...)...)
			require.NoError(t, err)
			assert.Contains(t, out, "hash    000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
			assert.Contains(t, out, "bits    1d00ffff")
			assert.Contains(t, out, "target  00000000ffff0000")
			assert.Contains(t, out, "work    4295032833 hashes")
			assert.Contains(t, out, "proof of work: valid")
			lines := blockLine.FindAllStringSubmatch(out, -1)
			require.Len(t, lines, tt.wantBlocks, out)
			for i, l := range lines {
				assert.Equal(t, strconv.Itoa(i+1), l[1], "heights in order")
			}
			assert.Regexp(t, `(?m)^`+strconv.Itoa(tt.wantBlocks)+` blocks, `, out)
		})
	}
}

func TestMineErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"lab not attempted", []string{"-lab", "-easy", "-blocks", "1"}, "not attempted yet"},
		{"negative blocks", []string{"-blocks", "-1"}, "cannot be negative"},
		{"an argument", []string{"x"}, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := commandtest.Run(t, run, append([]string{"mine"}, tt.args...)...)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
