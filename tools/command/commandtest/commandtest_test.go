package commandtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/fatih/color"
	"github.com/stretchr/testify/assert"
)

func TestMain(m *testing.M) { Main(m) }

func TestRun(t *testing.T) {
	echo := func(_ context.Context, args []string, w io.Writer) error {
		fmt.Fprint(w, color.RedString("%v", args[1:]))
		if len(args) > 2 {
			return errors.New("too many")
		}
		return nil
	}
	tests := []struct {
		name    string
		args    []string
		want    string
		wantErr string
	}{
		{name: "prints, colour off", args: []string{"echo", "hi"}, want: "[hi]"},
		{name: "fails", args: []string{"echo", "a", "b"}, want: "[a b]", wantErr: "too many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Run(t, echo, tt.args...)
			assert.Equal(t, tt.want, out)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

func TestRunContextStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	wait := func(ctx context.Context, _ []string, _ io.Writer) error {
		<-ctx.Done()
		return ctx.Err()
	}
	_, err := RunContext(ctx, wait, "wait")
	assert.ErrorIs(t, err, context.Canceled)
}
