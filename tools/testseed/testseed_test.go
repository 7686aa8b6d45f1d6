package testseed

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPick(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		env     string
		want    []uint64
		wantErr string
	}{
		{name: "all", n: 3, want: []uint64{1, 2, 3}},
		{name: "from the environment", n: 3, env: "17", want: []uint64{17}},
		{name: "garbage in the environment", n: 3, env: "x", wantErr: `PEERCHAIN_SEED="x": not a seed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pick(tt.n, tt.env)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRunNamesEachSeed(t *testing.T) {
	var got []uint64
	Run(t, 3, func(t *testing.T, seed uint64) {
		assert.Equal(t, "TestRunNamesEachSeed/seed="+string(rune('0'+seed)), t.Name())
		got = append(got, seed)
	})
	assert.Equal(t, []uint64{1, 2, 3}, got)
}

func TestRunHonoursTheEnvironment(t *testing.T) {
	t.Setenv(Env, "42")
	var got []uint64
	Run(t, 3, func(t *testing.T, seed uint64) { got = append(got, seed) })
	assert.Equal(t, []uint64{42}, got)
}

func TestPackageDir(t *testing.T) {
	assert.Equal(t, "./tools/testseed", packageDir())
}
