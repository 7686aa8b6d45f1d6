package sockets

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewNodeRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		field  string // named in the error
	}{
		{name: "zero line length", change: func(c *Config) { c.MaxLineLength = 0 }, field: "MaxLineLength"},
		{name: "huge line length", change: func(c *Config) { c.MaxLineLength = MaxLineLengthLimit + 1 }, field: "MaxLineLength"},
		{name: "no idle timeout", change: func(c *Config) { c.IdleTimeout = 0 }, field: "IdleTimeout"},
		{name: "negative write timeout", change: func(c *Config) { c.WriteTimeout = -1 }, field: "WriteTimeout"},
		{name: "no dial timeout", change: func(c *Config) { c.DialTimeout = 0 }, field: "DialTimeout"},
		{name: "no outbox", change: func(c *Config) { c.OutboxSize = 0 }, field: "OutboxSize"},
		{name: "no peers", change: func(c *Config) { c.MaxPeers = 0 }, field: "MaxPeers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.change(&cfg)
			n, err := NewNode(cfg, nil)
			require.Error(t, err)
			assert.Nil(t, n)
			assert.ErrorIs(t, err, ErrConfig)
			assert.Contains(t, err.Error(), tt.field)
		})
	}
}

func TestDefaultConfigIsValid(t *testing.T) {
	n, err := NewNode(DefaultConfig(), nil)
	require.NoError(t, err)
	assert.NotNil(t, n)
}
