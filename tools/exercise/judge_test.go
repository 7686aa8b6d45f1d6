package exercise

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingT is a test that records its failures, and its subtests',
// instead of failing: what Judge does to a test that should go red.
type recordingT struct {
	testing.TB // nil: anything it does not record panics
	name       string
	failures   *[]string // "subtest: what testify said", shared down the tree
	failed     bool
}

func newRecordingT() *recordingT { return &recordingT{name: "judge", failures: &[]string{}} }

func (r *recordingT) Helper()      {}
func (r *recordingT) Name() string { return r.name }
func (r *recordingT) Errorf(format string, args ...any) {
	r.failed = true
	*r.failures = append(*r.failures, r.name+": "+fmt.Sprintf(format, args...))
}

// FailNow ends the subtest's goroutine, as testing.T's does.
func (r *recordingT) FailNow() {
	r.failed = true
	runtime.Goexit()
}

// Run runs f in a goroutine of its own, so that FailNow ends only it.
func (r *recordingT) Run(name string, f func(*recordingT)) bool {
	sub := &recordingT{name: r.name + "/" + name, failures: r.failures}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(sub)
	}()
	<-done
	r.failed = r.failed || sub.failed
	return !sub.failed
}

// judgeFake is an implementation of an exercise that doubles a number,
// with a mistake: off is what it adds to the right answer.
type judgeFake struct{ off int }

func (f judgeFake) double(n int) int { return 2*n + f.off }

// judgeRow is a row of the fake exercise: doubling n. What it returns
// for a pass is empty but not nil: emptiness is what passes.
func judgeRow(n int) Row[judgeFake] {
	return Row[judgeFake]{Name: fmt.Sprintf("double %d", n),
		Check: func(_ testing.TB, f judgeFake) []string {
			problems := []string{}
			if got := f.double(n); got != 2*n {
				problems = append(problems, fmt.Sprintf("%d, want %d", got, 2*n))
			}
			return problems
		}}
}

// judgeStops is a row whose precondition does not hold: it stops the
// test it runs in.
var judgeStops = Row[judgeFake]{Name: "stops", Check: func(t testing.TB, _ judgeFake) []string {
	require.Fail(t, "the row's precondition")
	return nil
}}

// judgeFailure is a recorded failure, cut to its subtest and the
// message testify was given.
func judgeFailure(failure string) string {
	name, text, _ := strings.Cut(failure, ": ")
	_, msg, ok := strings.Cut(text, "Messages:")
	if !ok {
		_, msg, _ = strings.Cut(text, "Error:")
	}
	msg, _, _ = strings.Cut(strings.TrimSpace(msg), "\n")
	return name + ": " + msg
}

func TestJudge(t *testing.T) {
	rows := []Row[judgeFake]{judgeRow(1), judgeRow(2)}
	const base = "judge/" + BaseTest
	tests := []struct {
		name   string
		rows   []Row[judgeFake]
		base   judgeFake
		wrongs []Wrong[judgeFake]
		want   []string // each failure: its subtest and testify's message
	}{
		{name: "the base passes, each wrong one fails its rows", rows: rows,
			wrongs: []Wrong[judgeFake]{
				{Name: "one too many", Impl: judgeFake{off: 1}, MustFail: []string{"double 1", "double 2"}},
				{Name: "one short", Impl: judgeFake{off: -1}, MustFail: []string{"double 2"}},
			}},
		{name: "no wrong ones: the base alone", rows: rows},
		{name: "a wrong base fails every row, in its own subtest", rows: rows, base: judgeFake{off: 1},
			want: []string{base + `: row "double 1"`, base + `: row "double 2"`}},
		{name: "a wrong one that passes a row it must fail", rows: rows,
			wrongs: []Wrong[judgeFake]{
				{Name: "not wrong at all", MustFail: []string{"double 1"}},
				{Name: "one short", Impl: judgeFake{off: -1}, MustFail: []string{"double 2"}},
			},
			want: []string{`judge/not wrong at all: row "double 1" passes not wrong at all`}},
		{name: "a name that is no row's stops its wrong one's subtest", rows: rows,
			wrongs: []Wrong[judgeFake]{
				{Name: "misspelt", Impl: judgeFake{off: 1}, MustFail: []string{"double one", "double 2"}},
				{Name: "after it", MustFail: []string{"double 2"}},
			},
			want: []string{`judge/misspelt: no row "double one"`,
				`judge/after it: row "double 2" passes after it`}},
		{name: "a row's check runs in the subtest, which it can stop",
			rows: []Row[judgeFake]{judgeStops, judgeRow(1)},
			wrongs: []Wrong[judgeFake]{
				{Name: "stopped", Impl: judgeFake{off: 1}, MustFail: []string{"stops", "double 1"}},
				{Name: "not stopped", MustFail: []string{"double 1"}},
			},
			want: []string{base + ": the row's precondition", "judge/stopped: the row's precondition",
				`judge/not stopped: row "double 1" passes not stopped`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := newRecordingT()
			judge(rt, tt.rows, tt.base, tt.wrongs)
			var got []string
			for _, f := range *rt.failures {
				got = append(got, judgeFailure(f))
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.want) > 0, rt.failed, "failed")
		})
	}
}

func TestMustFail(t *testing.T) {
	rows := []Row[judgeFake]{judgeRow(1), judgeRow(2)}
	rt := newRecordingT()
	mustFail(rt, rows, []Wrong[judgeFake]{
		{Name: "one too many", Impl: judgeFake{off: 1}, MustFail: []string{"double 2"}},
		{Name: "right", MustFail: []string{"double 1"}},
	})
	var got []string
	for _, f := range *rt.failures {
		got = append(got, judgeFailure(f))
	}
	assert.Equal(t, []string{`judge/right: row "double 1" passes right`}, got,
		"no base subtest, and only the wrong one that passes fails")
}

func TestPassesEvery(t *testing.T) {
	rows := []Row[judgeFake]{judgeRow(1), judgeRow(2), judgeRow(0)}
	tests := []struct {
		name string
		impl judgeFake
		want []string
	}{
		{name: "right: no failure", impl: judgeFake{}},
		{name: "wrong: a failure for each row it fails, in order", impl: judgeFake{off: 3},
			want: []string{`judge: row "double 1"`, `judge: row "double 2"`, `judge: row "double 0"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := newRecordingT()
			PassesEvery(rt, rows, tt.impl)
			var got []string
			for _, f := range *rt.failures {
				got = append(got, judgeFailure(f))
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestJudgeOnARealTest runs the exported Judge, on *testing.T, where
// everything is as it should be: it must pass, with its subtests named
// as the exercises' tests expect.
func TestJudgeOnARealTest(t *testing.T) {
	var names []string
	rows := []Row[judgeFake]{{Name: "double 2", Check: func(t testing.TB, f judgeFake) []string {
		names = append(names, t.Name())
		return judgeRow(2).Check(t, f)
	}}}
	Judge(t, rows, judgeFake{}, []Wrong[judgeFake]{
		{Name: "one short", Impl: judgeFake{off: -1}, MustFail: []string{"double 2"}},
	})
	MustFail(t, rows, []Wrong[judgeFake]{
		{Name: "one too many", Impl: judgeFake{off: 1}, MustFail: []string{"double 2"}},
	})
	assert.Equal(t, []string{
		"TestJudgeOnARealTest/the_wrong_ones'_base,_with_no_mistake,_passes_every_row",
		"TestJudgeOnARealTest/one_short",
		"TestJudgeOnARealTest/one_too_many",
	}, names)
}
