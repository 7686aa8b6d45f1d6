package sockets

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadLine(t *testing.T) {
	const maxLine = 20
	tests := []struct {
		name    string
		in      string
		want    []string // lines read before the error
		wantErr error
	}{
		{name: "one line", in: "hello\n", want: []string{"hello"}, wantErr: io.EOF},
		{name: "two lines", in: "a\nb\n", want: []string{"a", "b"}, wantErr: io.EOF},
		{name: "crlf from telnet", in: "hello\r\n", want: []string{"hello"}, wantErr: io.EOF},
		{name: "empty line", in: "\n", want: []string{""}, wantErr: io.EOF},
		{name: "nothing at all", in: "", wantErr: io.EOF},
		{name: "hang up mid-line", in: "a\nhel", want: []string{"a"}, wantErr: io.ErrUnexpectedEOF},
		{name: "exactly the limit", in: strings.Repeat("x", maxLine) + "\n", want: []string{strings.Repeat("x", maxLine)}, wantErr: io.EOF},
		{name: "one byte over", in: strings.Repeat("x", maxLine+1) + "\n", wantErr: ErrLineTooLong},
		{name: "no newline ever", in: strings.Repeat("x", 10*maxLine), wantErr: ErrLineTooLong},
		{name: "long line after a good one", in: "ok\n" + strings.Repeat("x", 50) + "\n", want: []string{"ok"}, wantErr: ErrLineTooLong},
	}
	readers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{name: "whole", wrap: func(r io.Reader) io.Reader { return r }},
		{name: "one byte at a time", wrap: iotest.OneByteReader},
	}
	for _, tt := range tests {
		for _, rd := range readers {
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				r := newLineReader(rd.wrap(strings.NewReader(tt.in)), maxLine)
				var got []string
				var err error
				for {
					var line string
					line, err = readLine(r, maxLine)
					if err != nil {
						break
					}
					got = append(got, line)
				}
				assert.Equal(t, tt.want, got)
				assert.ErrorIs(t, err, tt.wantErr)
			})
		}
	}
}

func TestReadLineSmallLimit(t *testing.T) {
	// bufio never makes a buffer under 16 bytes, so a limit of 4 is
	// enforced by readLine's own length check.
	r := newLineReader(strings.NewReader("abcd\nabcde\n"), 4)
	line, err := readLine(r, 4)
	require.NoError(t, err)
	assert.Equal(t, "abcd", line)
	_, err = readLine(r, 4)
	assert.ErrorIs(t, err, ErrLineTooLong)
}

func TestCheckLine(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		wantErr error
	}{
		{name: "plain", line: "hello"},
		{name: "empty", line: ""},
		{name: "at the limit", line: strings.Repeat("x", 10)},
		{name: "over the limit", line: strings.Repeat("x", 11), wantErr: ErrLineTooLong},
		{name: "newline inside", line: "a\nb", wantErr: ErrLineBreak},
		{name: "carriage return", line: "a\rb", wantErr: ErrLineBreak},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkLine(tt.line, 10)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}
