package broadcast

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigValidation: a config that cannot work is refused by New
// with an error that names the field and its value.
func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // "" for none
	}{
		{name: "the zero config", cfg: Config{}},
		{name: "the default config", cfg: DefaultConfig()},
		{name: "flooding", cfg: Config{Policy: FloodPolicy{}, NoPrune: true}},
		{name: "store as big as the seen-cache", cfg: Config{SeenSize: 50, StoreSize: 50}},
		{name: "negative SeenSize", cfg: Config{SeenSize: -1}, wantErr: "SeenSize -1 is negative"},
		{name: "negative StoreSize", cfg: Config{StoreSize: -2}, wantErr: "StoreSize -2 is negative"},
		{name: "negative KnownPerPeer", cfg: Config{KnownPerPeer: -3}, wantErr: "KnownPerPeer -3 is negative"},
		{name: "negative MaxWanted", cfg: Config{MaxWanted: -4}, wantErr: "MaxWanted -4 is negative"},
		{name: "negative MaxAnnouncers", cfg: Config{MaxAnnouncers: -5}, wantErr: "MaxAnnouncers -5 is negative"},
		{name: "negative MaxInFlight", cfg: Config{MaxInFlight: -6}, wantErr: "MaxInFlight -6 is negative"},
		{name: "negative RequestTimeout", cfg: Config{RequestTimeout: -time.Second},
			wantErr: "RequestTimeout -1s is negative"},
		{name: "negative SyncInterval", cfg: Config{SyncInterval: -time.Millisecond},
			wantErr: "SyncInterval -1ms is negative"},
		{name: "negative SyncWindow", cfg: Config{SyncWindow: -time.Minute}, wantErr: "SyncWindow -1m0s is negative"},
		{name: "negative SyncSettle", cfg: Config{SyncSettle: -time.Second}, wantErr: "SyncSettle -1s is negative"},
		{name: "negative PruneGrace", cfg: Config{PruneGrace: -time.Second}, wantErr: "PruneGrace -1s is negative"},
		{name: "negative PruneWait", cfg: Config{PruneWait: -time.Second}, wantErr: "PruneWait -1s is negative"},
		{name: "negative SyncSilence", cfg: Config{SyncSilence: -time.Second},
			wantErr: "SyncSilence -1s is negative"},
		{name: "negative MaxTrees", cfg: Config{MaxTrees: -7}, wantErr: "MaxTrees -7 is negative"},
		{name: "negative LazyWait", cfg: Config{LazyWait: -time.Millisecond}, wantErr: "LazyWait -1ms is negative"},
		{name: "StoreSize over SeenSize", cfg: Config{SeenSize: 100, StoreSize: 200},
			wantErr: "StoreSize 200 over SeenSize 100"},
		{name: "StoreSize over the default SeenSize", cfg: Config{StoreSize: DefaultSeenSize + 1},
			wantErr: "StoreSize 100001 over SeenSize 100000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.cfg, newRand())
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.NotNil(t, p)
				return
			}
			assert.ErrorIs(t, err, ErrConfig)
			assert.ErrorContains(t, err, tt.wantErr)
			assert.Nil(t, p)
		})
	}
}

// TestConfigNeedsRandomness: a protocol has no randomness but what it
// is given.
func TestConfigNeedsRandomness(t *testing.T) {
	p, err := New(DefaultConfig(), nil)
	assert.ErrorIs(t, err, ErrConfig)
	assert.Nil(t, p)
}

// TestDefaultConfig: the default is the epidemic broadcast tree with
// its documented delays, and the lazy wait.
func TestDefaultConfig(t *testing.T) {
	cfg := DefaultConfig()
	assert.Equal(t, PlumtreePolicy{PushDelay: DefaultPushDelays, AnnounceDelay: DefaultAnnounceDelay}, cfg.Policy)
	assert.Equal(t, []time.Duration{0, 60 * time.Millisecond, 30 * time.Millisecond}, DefaultPushDelays)
	assert.Equal(t, DefaultPruneWait, 400*time.Millisecond)
	assert.Equal(t, DefaultSyncSilence, 2*time.Second)
	assert.Equal(t, DefaultLazyWait, cfg.LazyWait)
	assert.False(t, cfg.NoPrune)
	assert.False(t, cfg.NoSync)
	assert.Equal(t, cfg.Policy, DefaultPolicy())
	assert.LessOrEqual(t, DefaultStoreSize, DefaultSeenSize, "the defaults pass their own check")

	// Each call has delays of its own: a caller that changes them
	// changes neither the defaults nor another config.
	cfg.Policy.(PlumtreePolicy).PushDelay[1] = time.Hour
	assert.Equal(t, 60*time.Millisecond, DefaultPushDelays[1])
	assert.Equal(t, 60*time.Millisecond, DefaultPolicy().(PlumtreePolicy).PushDelay[1])
}

// TestZeroLimitsTakeDefaults: a zero limit is the default limit, not
// "none": the zero config holds DefaultMaxWanted wanted items, no more.
func TestZeroLimitsTakeDefaults(t *testing.T) {
	r := newRig(t, Config{LazyWait: time.Hour, NoSync: true}, 1)
	for batch := range 3 {
		r.recv(1, &MsgInv{List: invOf(blobs(batch*DefaultMaxWanted/2, (batch+1)*DefaultMaxWanted/2)...)})
	}
	assert.Equal(t, DefaultMaxWanted, r.p.Footprint().Wanted)
}

// TestGlomersRefusesBadConfig: the challenge's runner refuses an
// invalid protocol config, as New does, before it runs anything.
func TestGlomersRefusesBadConfig(t *testing.T) {
	_, err := Glomers(GlomersConfig{Seed: 1, Nodes: 2, Duration: 10 * time.Millisecond,
		Broadcast: Config{SeenSize: -1}})
	assert.ErrorIs(t, err, ErrConfig)
	assert.ErrorContains(t, err, "SeenSize -1")
}

// TestGlomersKeepsBroadcastConfig: the challenge's runner fills in the
// default policy, and the lazy wait when it fills the policy, and keeps
// every other field it is given.
func TestGlomersKeepsBroadcastConfig(t *testing.T) {
	tests := []struct {
		name string
		in   Config
		want func(t *testing.T, got Config)
	}{
		{name: "zero: the default config", in: Config{}, want: func(t *testing.T, got Config) {
			assert.Equal(t, DefaultConfig(), got)
		}},
		{name: "a policy alone is kept, with no lazy wait", in: Config{Policy: FloodPolicy{}},
			want: func(t *testing.T, got Config) {
				assert.Equal(t, FloodPolicy{}, got.Policy)
				assert.Zero(t, got.LazyWait, "a policy given keeps its lazy wait: none")
			}},
		{name: "a lazy wait alone is kept", in: Config{LazyWait: time.Second},
			want: func(t *testing.T, got Config) {
				assert.Equal(t, DefaultPolicy(), got.Policy)
				assert.Equal(t, time.Second, got.LazyWait)
			}},
		{name: "limits are kept", in: Config{MaxInFlight: 7, StoreSize: 9}, want: func(t *testing.T, got Config) {
			assert.Equal(t, 7, got.MaxInFlight)
			assert.Equal(t, 9, got.StoreSize)
			assert.Equal(t, DefaultPolicy(), got.Policy)
			assert.Equal(t, DefaultLazyWait, got.LazyWait)
		}},
		{name: "NoSync and NoPrune are kept", in: Config{NoSync: true, NoPrune: true},
			want: func(t *testing.T, got Config) {
				assert.True(t, got.NoSync)
				assert.True(t, got.NoPrune)
			}},
		{name: "an invalid field is kept, to be refused", in: Config{SeenSize: -1}, want: func(t *testing.T, got Config) {
			assert.Equal(t, -1, got.SeenSize)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want(t, GlomersConfig{Broadcast: tt.in}.withDefaults().Broadcast)
		})
	}
}
