package command

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/fatih/color"
	"github.com/stretchr/testify/assert"
)

func TestExit(t *testing.T) {
	color.NoColor = true
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantStderr string
	}{
		{name: "success", err: nil, wantStatus: 0},
		{name: "failure", err: errors.New("no such file"), wantStatus: 1, wantStderr: "grade: no such file\n"},
		{name: "already reported", err: fmt.Errorf("2 failing: %w", ErrReported), wantStatus: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			assert.Equal(t, tt.wantStatus, exit(tt.err, "grade", &stderr))
			assert.Equal(t, tt.wantStderr, stderr.String())
		})
	}
}
