package peers

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		field  string // named in the error
	}{
		{name: "no network", change: func(c *Config) { c.Magic = wire.Magic{} }, field: "Magic"},
		{name: "no registry", change: func(c *Config) { c.Registry = nil }, field: "Registry"},
		{name: "a registry without pong", change: func(c *Config) {
			c.Registry, _ = wire.NewRegistry(wire.BaseMessages()[:3]...)
		}, field: "Registry lacks pong"},
		{name: "a version we would refuse", change: func(c *Config) { c.ProtocolVersion, c.MinProtocolVersion = 2, 3 }, field: "ProtocolVersion"},
		{name: "a long user agent", change: func(c *Config) { c.UserAgent = string(make([]byte, 257)) }, field: "UserAgent"},
		{name: "no nonce", change: func(c *Config) { c.Nonce = 0 }, field: "Nonce"},
		{name: "no handshake timeout", change: func(c *Config) { c.HandshakeTimeout = 0 }, field: "HandshakeTimeout"},
		{name: "no ping interval", change: func(c *Config) { c.PingInterval = 0 }, field: "PingInterval"},
		{name: "idle before a ping", change: func(c *Config) { c.IdleTimeout = c.PingInterval }, field: "IdleTimeout"},
		{name: "no ping timeout", change: func(c *Config) { c.PingTimeout = -time.Second }, field: "PingTimeout"},
		{name: "no write timeout", change: func(c *Config) { c.WriteTimeout = 0 }, field: "WriteTimeout"},
		{name: "a tiny queue", change: func(c *Config) { c.SendQueueSize = MinSendQueueSize - 1 }, field: "SendQueueSize"},
		{name: "a huge queue", change: func(c *Config) { c.SendQueueSize = MaxSendQueueSize + 1 }, field: "SendQueueSize"},
		{name: "no byte bound", change: func(c *Config) { c.SendQueueBytes = 0 }, field: "SendQueueBytes 0"},
		{name: "a queue too small for the largest message", change: func(c *Config) { c.SendQueueBytes = MinSendQueueBytes - 1 }, field: "SendQueueBytes 4194327"},
		{name: "a huge byte bound", change: func(c *Config) { c.SendQueueBytes = MaxSendQueueBytes + 1 }, field: "SendQueueBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(ourNonce)
			tt.change(&cfg)
			ours, theirs := net.Pipe()
			defer theirs.Close()
			p, err := New(context.Background(), ours, true, cfg)
			assert.Nil(t, p)
			assert.ErrorIs(t, err, ErrConfig)
			assert.ErrorContains(t, err, tt.field)
			_, err = ours.Write([]byte{0})
			assert.Error(t, err, "New closes the connection")

			p, err = Dial(context.Background(), "127.0.0.1:1", cfg)
			assert.Nil(t, p)
			assert.ErrorIs(t, err, ErrConfig, "Dial checks before it dials")
		})
	}
}

func TestDefaultConfigIsValid(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Nonce = RandomNonce()
	require.NoError(t, cfg.Validate())
	assert.Equal(t, []string{"ping", "pong", "sendaddrv2", "verack", "version", "wtxidrelay"}, cfg.Registry.Commands())
	assert.NotSame(t, cfg.Registry, DefaultConfig().Registry,
		"each config has a registry of its own, to register messages in")
	assert.NotSame(t, cfg.Connected, DefaultConfig().Connected,
		"each config is a node of its own")
}
