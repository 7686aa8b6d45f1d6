package wire

import (
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/testbytes"
)

func TestNewRegistry(t *testing.T) {
	reg, err := NewRegistry(BaseMessages()...)
	require.NoError(t, err)
	assert.Equal(t, []string{"ping", "pong", "sendaddrv2", "verack", "version", "wtxidrelay"}, reg.Commands())

	for _, cmd := range reg.Commands() {
		t.Run(cmd, func(t *testing.T) {
			msg, err := reg.New(cmd)
			require.NoError(t, err)
			assert.Equal(t, cmd, msg.Command())
		})
	}

	t.Run("a fresh message each time", func(t *testing.T) {
		a, err := reg.New(CmdPing)
		require.NoError(t, err)
		a.(*MsgPing).Nonce = 7
		b, err := reg.New(CmdPing)
		require.NoError(t, err)
		assert.Equal(t, &MsgPing{}, b)
	})
}

func TestRegistryNewUnknown(t *testing.T) {
	tests := []struct {
		name string
		reg  *Registry
		cmd  string
	}{
		{name: "not registered", reg: baseRegistry(t), cmd: "mempool"},
		{name: "case matters", reg: baseRegistry(t), cmd: "PING"},
		{name: "empty registry", reg: new(Registry), cmd: "ping"},
		{name: "nil registry", reg: nil, cmd: "ping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, err := tt.reg.New(tt.cmd)
			assert.ErrorIs(t, err, ErrUnknownCommand)
			assert.Nil(t, msg)
		})
	}
}

// factory returns a factory of testMsg with the given command and limit.
func factory(cmd string, max uint32) func() Message {
	return func() Message { return &testMsg{cmd: cmd, max: max} }
}

func TestRegistryRegisterErrors(t *testing.T) {
	tests := []struct {
		name      string
		factories []func() Message
		wantErr   error // nil: any error
	}{
		{name: "taken by a base message", factories: []func() Message{factory("ping", 8)}, wantErr: ErrDuplicateCommand},
		{name: "twice in one call", factories: []func() Message{factory("inv", 8), factory("inv", 8)}, wantErr: ErrDuplicateCommand},
		{name: "empty command", factories: []func() Message{factory("", 8)}, wantErr: ErrBadCommand},
		{name: "13 bytes", factories: []func() Message{factory("thirteenbytes", 8)}, wantErr: ErrBadCommand},
		{name: "space", factories: []func() Message{factory("get data", 8)}, wantErr: ErrBadCommand},
		{name: "over MaxPayload", factories: []func() Message{factory("huge", MaxPayload+1)}, wantErr: ErrPayloadTooLarge},
		{name: "nil factory", factories: []func() Message{nil}},
		{name: "factory makes nil", factories: []func() Message{func() Message { return nil }}},
		{name: "good then bad", factories: []func() Message{factory("inv", 8), factory("", 8)}, wantErr: ErrBadCommand},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := baseRegistry(t)
			before := reg.Commands()
			err := reg.Register(tt.factories...)
			require.Error(t, err)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			}
			assert.Equal(t, before, reg.Commands(), "a failed Register adds nothing")

			_, err = NewRegistry(append(BaseMessages(), tt.factories...)...)
			assert.Error(t, err, "NewRegistry fails the same way")
		})
	}
}

// TestRegistryLaterChapter registers a message the way a later chapter
// will, and reads one.
func TestRegistryLaterChapter(t *testing.T) {
	reg := baseRegistry(t)
	require.NoError(t, reg.Register(func() Message { return new(blobMsg) }))
	assert.Equal(t, []string{"blob", "ping", "pong", "sendaddrv2", "verack", "version", "wtxidrelay"}, reg.Commands())

	raw := envelope(DevNet, "blob", testbytes.MustHex("03 616263"))
	msg, _, err := ReadMessage(bytesReader(raw), DevNet, reg)
	require.NoError(t, err)
	assert.Equal(t, &blobMsg{data: []byte("abc")}, msg)
}

// TestRegistryConcurrent registers and looks up from many goroutines at
// once; the race detector checks the locking.
func TestRegistryConcurrent(t *testing.T) {
	reg := baseRegistry(t)
	const workers = 8
	errs := make(chan error, 2*workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs <- reg.Register(factory(string(rune('a'+i)), 8))
		}()
		go func() {
			defer wg.Done()
			_, err := reg.New("ping")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Len(t, reg.Commands(), len(BaseMessages())+workers)
}

func bytesReader(b []byte) io.Reader { return &sliceReader{b: b} }

// sliceReader is a plain io.Reader over a slice, with none of
// bytes.Reader's extra methods.
type sliceReader struct{ b []byte }

func (r *sliceReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}
