package simulation

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseLatency(t *testing.T) {
	tests := []struct {
		in      string
		want    Latency
		wantErr string
	}{
		{in: "none", want: Constant{}},
		{in: "0", want: Constant{}},
		{in: "50ms", want: Constant{D: 50 * time.Millisecond}},
		{in: "constant:1s", want: Constant{D: time.Second}},
		{in: "uniform:10ms:100ms", want: Uniform{Min: 10 * time.Millisecond, Max: 100 * time.Millisecond}},
		{in: "exp:50ms", want: Exponential{Mean: 50 * time.Millisecond}},
		{in: "exponential:50ms", want: Exponential{Mean: 50 * time.Millisecond}},
		{in: "lognormal:80ms:0.5", want: LogNormal{Median: 80 * time.Millisecond, Sigma: 0.5}},
		{in: "fast", wantErr: `latency "fast": want none, a duration`},
		{in: "uniform:10ms", wantErr: "uniform takes 2 values after a colon"},
		{in: "uniform:100ms:10ms", wantErr: "Uniform.Max 10ms is below Min 100ms"},
		{in: "constant:-5ms", wantErr: "Constant.D -5ms"},
		{in: "constant:soon", wantErr: `"soon" is not a duration`},
		{in: "lognormal:80ms:wide", wantErr: `sigma "wide" is not a number`},
		{in: "none:1", wantErr: "none takes no values"},
		{in: "exp:", wantErr: "exp takes 1 values"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLatency(tt.in)
			if tt.wantErr != "" {
				assert.ErrorIs(t, err, ErrConfig)
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseTopology(t *testing.T) {
	tests := []struct {
		in      string
		want    string // its String()
		wantErr string
	}{
		{in: "any", want: "any-to-any"},
		{in: "none", want: "no links"},
		{in: "complete", want: "complete"},
		{in: "ring", want: "ring"},
		{in: "line", want: "line"},
		{in: "grid:10", want: "grid, width 10"},
		{in: "regular:8", want: "random 8-regular"},
		{in: "regular", wantErr: "regular needs a positive whole number, as in regular:8"},
		{in: "grid:x", wantErr: "grid needs a positive whole number"},
		{in: "regular:0", wantErr: "regular needs a positive whole number"},
		{in: "ring:3", wantErr: "ring takes no value"},
		{in: "star", wantErr: `topology "star": want any, none, complete`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTopology(tt.in)
			if tt.wantErr != "" {
				assert.ErrorIs(t, err, ErrConfig)
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

// FuzzParse checks that no flag value makes the parsers panic, and that
// whatever parses is valid.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"none", "50ms", "uniform:1ms:2ms", "lognormal:80ms:0.5", "exp:1s", "grid:3", "regular:8", "any", "::", "uniform::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if l, err := ParseLatency(s); err == nil {
			assert.NoError(t, l.Validate())
		}
		if topo, err := ParseTopology(s); err == nil {
			assert.NotEmpty(t, topo.String())
		}
	})
}
