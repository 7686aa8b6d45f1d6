package pow

import (
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

func TestNetworkParams(t *testing.T) {
	tests := []struct {
		name      string
		magic     wire.Magic
		p         Params
		interval  uint64
		limitBits uint32
	}{
		{"devnet", wire.DevNet, DevNetParams, 12, 0x207fffff},
		{"testnet", wire.TestNet, TestNetParams, 60, 0x1e0fffff},
		{"mainnet", wire.MainNet, MainNetParams, 2016, 0x1e0fffff},
		{"bitcoin", wire.BitcoinMainNet, BitcoinParams, 2016, 0x1d00ffff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.p.Validate())
			assert.Equal(t, tt.interval, tt.p.RetargetInterval())
			assert.Equal(t, tt.limitBits, tt.p.PowLimitBits())
			got, ok := ParamsOf(tt.magic)
			require.True(t, ok)
			assert.Equal(t, tt.p.TargetTimespan, got.TargetTimespan)
			assert.Equal(t, tt.p.TargetSpacing, got.TargetSpacing)
			assert.Zero(t, tt.p.PowLimit.Cmp(got.PowLimit))

			// The copy is the caller's own.
			got.PowLimit.SetInt64(1)
			assert.Equal(t, tt.limitBits, tt.p.PowLimitBits())
		})
	}
	_, ok := ParamsOf(wire.Magic{1, 2, 3, 4})
	assert.False(t, ok, "an unknown network")
}

func TestParamsValidate(t *testing.T) {
	with := func(change func(*Params)) Params {
		p := MainNetParams
		change(&p)
		return p
	}
	tests := []struct {
		name    string
		p       Params
		wantErr bool
	}{
		{"mainnet", MainNetParams, false},
		{"no limit", with(func(p *Params) { p.PowLimit = nil }), true},
		{"zero limit", with(func(p *Params) {
			p.PowLimit = new(big.Int)
		}), true},
		{"limit over 256 bits", with(func(p *Params) {
			p.PowLimit = new(big.Int).Lsh(big.NewInt(1), 256)
		}), true},
		{"no spacing", with(func(p *Params) { p.TargetSpacing = 0 }), true},
		{"fractional timespan", with(func(p *Params) {
			p.TargetTimespan = 1500 * time.Millisecond
			p.TargetSpacing = time.Second
		}), true},
		{"timespan under spacing", with(func(p *Params) {
			p.TargetTimespan = time.Second
			p.TargetSpacing = time.Minute
		}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if !tt.wantErr {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrParams)
		})
	}
}
