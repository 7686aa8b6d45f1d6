package exercise

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stub is an exercise stub, as a learner finds it.
func stub() int {
	NotAttempted()
	return 0
}

// fakeTB records what a test helper asked of its test.
type fakeTB struct {
	testing.TB
	skipped, fatal string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped = fmt.Sprintf(format, args...)
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
}

// recovered calls f and returns what it panicked with, if anything.
func recovered(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

func TestNotAttemptedPanicsWithWhereToStart(t *testing.T) {
	r := recovered(func() { stub() })
	na, ok := r.(notAttempted)
	require.True(t, ok, "panicked with %#v", r)
	assert.Equal(t, notAttempted{
		function: "stub",
		file:     "exercises/exercise/exercise_test.go",
		docs:     "docs/chapters/exercise.md#exercises",
	}, na)
}

func TestNotAttemptedReturnsInStubCheck(t *testing.T) {
	t.Setenv(StubCheckEnv, "1")
	assert.Nil(t, recovered(func() { assert.Zero(t, stub()) }))
}

func TestSkipIfNotAttempted(t *testing.T) {
	tests := []struct {
		name        string
		body        func()
		wantSkip    string
		wantPanic   any
		wantNothing bool
	}{
		{name: "stub", body: func() { stub() }, wantSkip: "stub is not attempted yet: write it in exercises/exercise/exercise_test.go and delete its exercise.NotAttempted() call; the task is in docs/chapters/exercise.md#exercises"},
		{name: "other panic", body: func() { panic("boom") }, wantPanic: "boom"},
		{name: "no panic", body: func() {}, wantNothing: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &fakeTB{}
			r := recovered(func() {
				defer SkipIfNotAttempted(tb)
				tt.body()
			})
			assert.Equal(t, tt.wantSkip, tb.skipped)
			assert.Equal(t, tt.wantPanic, r)
		})
	}
}

func TestSkipIfNotAttemptedSkipsARealTest(t *testing.T) {
	var sub *testing.T
	t.Run("stub", func(t *testing.T) {
		sub = t
		defer SkipIfNotAttempted(t)
		stub()
		t.Error("not reached")
	})
	assert.True(t, sub.Skipped())
	assert.False(t, sub.Failed())
}

func TestWithin(t *testing.T) {
	errBoom := errors.New("boom")
	block := make(chan struct{})
	defer close(block)
	tests := []struct {
		name      string
		f         func()
		wantFatal string
		wantPanic any
	}{
		{name: "returns", f: func() {}},
		{name: "blocks", f: func() { <-block }, wantFatal: "did not return within 10ms: does it block?"},
		{name: "panics", f: func() { panic(errBoom) }, wantPanic: errBoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &fakeTB{}
			r := recovered(func() { Within(tb, 10*time.Millisecond, tt.f) })
			assert.Equal(t, tt.wantFatal, tb.fatal)
			assert.Equal(t, tt.wantPanic, r)
		})
	}
}

func TestDocsPage(t *testing.T) {
	assert.Equal(t, "docs/chapters/02-wire.md#exercises", DocsPage("02-wire"))
}

func TestTry(t *testing.T) {
	tests := []struct {
		name      string
		f         func()
		wantErr   error  // nil: f ran to its end
		wantIn    string // in the error's text
		wantPanic any
	}{
		{name: "a stub", f: func() { stub() }, wantErr: ErrNotAttempted,
			wantIn: "stub is not attempted yet: write it in exercises/exercise/exercise_test.go"},
		{name: "written", f: func() {}},
		{name: "another panic goes on", f: func() { panic("boom") }, wantPanic: "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			r := recovered(func() { err = Try(tt.f) })
			assert.Equal(t, tt.wantPanic, r, "panic")
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.wantIn)
		})
	}
}

func TestReportLines(t *testing.T) {
	tests := []struct {
		name   string
		format string
		args   []any
		want   []string
	}{
		{name: "one line", format: "seed %d: %.2f", args: []any{1, 9.8}, want: []string{"grade: seed 1: 9.80"}},
		{name: "each line marked", format: "a\n  b", want: []string{"grade: a", "grade:   b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, reportLines(tt.format, tt.args...))
		})
	}
}
