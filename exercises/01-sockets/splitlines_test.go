package sockets

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/exercise"
)

func TestSplitLines(t *testing.T) {
	const maxLine = 10
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr error // nil: the scanner stops cleanly
	}{
		{name: "two lines", in: "hello\nworld\n", want: []string{"hello", "world"}},
		{name: "crlf", in: "hello\r\n", want: []string{"hello"}},
		{name: "empty line", in: "\n\n", want: []string{"", ""}},
		{name: "no input", in: ""},
		{name: "exactly the limit", in: "0123456789\n", want: []string{"0123456789"}},
		{name: "one byte over the limit", in: "0123456789x\n", wantErr: ErrLineTooLong},
		// The "\r" is a byte before the newline, so it counts, as in the
		// chapter's readLine: a client that sends "\r\n" gets one byte less.
		{name: "crlf within the limit", in: "012345678\r\n", want: []string{"012345678"}},
		{name: "crlf at exactly the limit", in: "0123456789\r\n", wantErr: ErrLineTooLong},
		{name: "long line after a good one", in: "ok\n" + strings.Repeat("x", 100) + "\n", want: []string{"ok"}, wantErr: ErrLineTooLong},
		{name: "endless line", in: strings.Repeat("x", 100_000), wantErr: ErrLineTooLong},
		{name: "hang up mid-line", in: "one\ntw", want: []string{"one"}, wantErr: io.ErrUnexpectedEOF},
	}
	readers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{name: "whole", wrap: func(r io.Reader) io.Reader { return r }},
		// TCP delivers bytes in pieces of any size.
		{name: "byte by byte", wrap: iotest.OneByteReader},
	}
	for _, tt := range tests {
		for _, rd := range readers {
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				defer exercise.SkipIfNotAttempted(t)
				sc := bufio.NewScanner(rd.wrap(strings.NewReader(tt.in)))
				sc.Split(SplitLines(maxLine))
				var got []string
				for sc.Scan() {
					got = append(got, sc.Text())
				}
				assert.Equal(t, tt.want, got)
				if tt.wantErr == nil {
					assert.NoError(t, sc.Err())
				} else {
					assert.ErrorIs(t, sc.Err(), tt.wantErr)
				}
			})
		}
	}
}
