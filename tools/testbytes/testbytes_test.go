package testbytes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMustHex(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []byte
	}{
		{name: "plain", in: "00ff10", want: []byte{0x00, 0xff, 0x10}},
		{name: "laid out, with comments", in: "00 ff # two bytes\n  10 # one more\n", want: []byte{0x00, 0xff, 0x10}},
		{name: "empty", in: "# nothing\n", want: []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, MustHex(tt.in))
		})
	}
	assert.Panics(t, func() { MustHex("0g") }, "bad hex is a bug in the test")
}

func TestFailWriter(t *testing.T) {
	w := &FailWriter{Budget: 5}
	n, err := w.Write([]byte("abc"))
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	n, err = w.Write([]byte("defg"))
	assert.ErrorIs(t, err, ErrWrite)
	assert.Equal(t, 2, n, "it takes what fits, then fails")
	assert.Equal(t, "abcde", w.Buf.String())
	n, err = w.Write([]byte("h"))
	assert.ErrorIs(t, err, ErrWrite)
	assert.Equal(t, 0, n)
}
