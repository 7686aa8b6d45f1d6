package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"peerchain/tools/command/commandtest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/internal/repo"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

func TestParseEvents(t *testing.T) {
	const pkg = "peerchain/exercises/01-x"
	tests := []struct {
		name      string
		events    string
		want      map[string]string // test -> final action
		wantList  []string
		wantBuild []string
		wantFail  bool
	}{
		{
			name: "pass and skip",
			events: `{"Action":"run","Package":"` + pkg + `","Test":"TestA"}
{"Action":"output","Package":"` + pkg + `","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"pass","Package":"` + pkg + `","Test":"TestA"}
{"Action":"run","Package":"` + pkg + `","Test":"TestB/one"}
{"Action":"skip","Package":"` + pkg + `","Test":"TestB/one"}
{"Action":"pass","Package":"` + pkg + `"}`,
			want: map[string]string{"TestA": "pass", "TestB/one": "skip"},
		},
		{
			name: "crash leaves a test unfinished",
			events: `{"Action":"run","Package":"` + pkg + `","Test":"TestA"}
{"Action":"output","Package":"` + pkg + `","Test":"TestA","Output":"fatal error: concurrent map writes\n"}
{"Action":"fail","Package":"` + pkg + `"}`,
			want:     map[string]string{"TestA": ""},
			wantFail: true,
		},
		{
			name: "list",
			events: `{"Action":"output","Package":"` + pkg + `","Output":"TestA\n"}
{"Action":"output","Package":"` + pkg + `","Output":"TestB_Long\n"}
{"Action":"output","Package":"` + pkg + `","Output":"ok  \t` + pkg + `\t0.002s\n"}
{"Action":"pass","Package":"` + pkg + `"}`,
			want:     map[string]string{},
			wantList: []string{"TestA", "TestB_Long"},
		},
		{
			name: "build failure",
			events: `{"ImportPath":"` + pkg + ` [` + pkg + `.test]","Action":"build-output","Output":"# ` + pkg + `\n"}
{"ImportPath":"` + pkg + ` [` + pkg + `.test]","Action":"build-output","Output":"x.go:2:12: undefined: y\n"}
{"ImportPath":"` + pkg + ` [` + pkg + `.test]","Action":"build-fail"}
{"Action":"fail","Package":"` + pkg + `","FailedBuild":"` + pkg + ` [` + pkg + `.test]"}`,
			want:      map[string]string{},
			wantBuild: []string{"# " + pkg, "x.go:2:12: undefined: y"},
			wantFail:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs, err := parseEvents(strings.NewReader(tt.events))
			require.NoError(t, err)
			require.Len(t, runs, 1)
			r := runs[0]
			assert.Equal(t, pkg, r.path)
			got := map[string]string{}
			for name, res := range r.tests {
				got[name] = res.action
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantList, r.listed)
			assert.Equal(t, tt.wantBuild, r.buildOutput)
			assert.Equal(t, tt.wantFail, r.failed)
		})
	}
}

func TestParseEventsRejectsGarbage(t *testing.T) {
	_, err := parseEvents(strings.NewReader(`{"Action":"run"}` + "\nnot json\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2")
}

func TestStatusOf(t *testing.T) {
	skipped := &testResult{action: "skip", output: []string{"    x_test.go:9: A " + notAttemptedMark + ": write it in ..."}}
	tests := []struct {
		name       string
		tests      map[string]*testResult
		wantStatus Status
		wantDetail string // in the detail, if set
	}{
		{name: "all pass", tests: map[string]*testResult{"TestA": {action: "pass"}, "TestA/x": {action: "pass"}}, wantStatus: Solved},
		{name: "stub skips every subtest", tests: map[string]*testResult{"TestA": {action: "pass"}, "TestA/x": skipped, "TestA/y": skipped}, wantStatus: NotAttempted},
		{name: "one fails", tests: map[string]*testResult{"TestA": {action: "fail"}, "TestA/x": {action: "pass"}, "TestA/y": {action: "fail", output: []string{"    want 2, got 3"}}}, wantStatus: Failing, wantDetail: "want 2, got 3"},
		{name: "half written", tests: map[string]*testResult{"TestA": {action: "pass"}, "TestA/x": {action: "pass"}, "TestA/y": skipped}, wantStatus: Failing, wantDetail: "1 of 2 tests still reach"},
		{name: "crashed", tests: map[string]*testResult{"TestA": {action: "", output: []string{"fatal error: boom"}}}, wantStatus: Failing, wantDetail: "fatal error: boom"},
		{name: "did not run", tests: map[string]*testResult{}, wantStatus: Failing, wantDetail: "TestA did not run"},
		{name: "other exercises do not count", tests: map[string]*testResult{"TestA": {action: "pass"}, "TestAB": {action: "fail"}}, wantStatus: Solved},
		{name: "a skip of its own is no failure", tests: map[string]*testResult{"TestA": {action: "skip", output: []string{"needs a network"}}}, wantStatus: Solved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := &packageRun{tests: tt.tests}
			status, detail := statusOf(run, []string{"TestA"})
			assert.Equal(t, tt.wantStatus, status)
			if tt.wantDetail != "" {
				assert.Contains(t, strings.Join(detail, "\n"), tt.wantDetail)
			}
		})
	}
}

func TestExerciseOf(t *testing.T) {
	tests := []struct{ test, want string }{
		{"TestSplitLines", "SplitLines"},
		{"TestPeerSet_Concurrent", "PeerSet"},
		{"TestPeerSet_Concurrent_More", "PeerSet"},
	}
	for _, tt := range tests {
		t.Run(tt.test, func(t *testing.T) {
			assert.Equal(t, tt.want, exerciseOf(tt.test))
		})
	}
}

func TestFindChapters(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"01-sockets", "02-wire", "10-forkchoice", "notes"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, "exercises", d), 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, "exercises", "03-file"), nil, 0o644))
	tests := []struct {
		name    string
		chapter string
		want    []string
		wantErr string
	}{
		{name: "all", want: []string{"./exercises/01-sockets", "./exercises/02-wire", "./exercises/10-forkchoice"}},
		{name: "by number", chapter: "02", want: []string{"./exercises/02-wire"}},
		{name: "without the zero", chapter: "1", want: []string{"./exercises/01-sockets"}},
		{name: "two digits", chapter: "10", want: []string{"./exercises/10-forkchoice"}},
		{name: "by name", chapter: "01-sockets", want: []string{"./exercises/01-sockets"}},
		{name: "unknown", chapter: "07", wantErr: `no exercises for chapter "07"; chapters with exercises: 01 02 10`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := findChapters(root, "exercises", tt.chapter)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPrintTable(t *testing.T) {
	var buf bytes.Buffer
	printTable(&buf, []string{"chapter", "exercise", "status"}, [][]cell{
		{{text: "01-sockets"}, {text: "SplitLines"}, {text: "solved", color: green}},
		{{text: "02-wire"}, {text: "Checksum"}, {text: "not attempted", color: yellow}},
	})
	assert.Equal(t, ""+
		"chapter     exercise    status\n"+
		"01-sockets  SplitLines  solved\n"+
		"02-wire     Checksum    not attempted\n", buf.String())
}

// fixtureEnv, set to 1, runs TestGradeFixture. It is off by default so
// that a learner's `go test ./...` stays quick; CI turns it on.
const fixtureEnv = "PEERCHAIN_GRADE_FIXTURE"

// gradeFixture grades the fixture exercises as run does for args, which
// are [-solutions] [CHAPTER], without the command line.
func gradeFixture(t *testing.T, w io.Writer, args []string) error {
	t.Helper()
	solutions := len(args) > 0 && args[0] == "-solutions"
	if solutions {
		args = args[1:]
	}
	chapter := ""
	if len(args) > 0 {
		chapter = args[0]
	}
	root, err := repo.Root(context.Background())
	require.NoError(t, err)
	pkgs, err := findChapters(root, "tools/grade/testdata/exercises", chapter)
	require.NoError(t, err)
	g := grader{goTest: runGoTest, dir: root}
	if solutions {
		return checkSolutions(context.Background(), w, g, pkgs)
	}
	return gradeWork(context.Background(), w, g, pkgs)
}

// TestGradeFixture runs the whole command over the exercises in testdata,
// which are broken on purpose, one way each (see their files).
func TestGradeFixture(t *testing.T) {
	if os.Getenv(fixtureEnv) != "1" || testing.Short() {
		t.Skipf("runs go test on the fixture exercises, some 30 s from a cold build cache; "+
			"%s=1 runs it (.ci/run sets it)", fixtureEnv)
	}
	tests := []struct {
		name     string
		args     []string
		wantOK   bool
		wantRows []string // each in the output
		wantLast string   // the last line, if set
	}{
		{
			name: "fresh: nothing attempted, two do not compile",
			wantRows: []string{
				"01-good Double not attempted",
				"05-broken Quad failing",
				"05-broken Quad does not compile:",
				`cannot use "zero"`, // the compiler's message
				// One exercise that does not compile hides no other.
				"06-partly One not attempted",
				"06-partly Two failing",
				`cannot use "two"`,
				"0 of 8 solved, 2 failing, 6 not attempted.",
			},
			wantLast: "grade: 0 of 8 solved, 2 failing, 6 not attempted. Exit status 1: not everything is solved yet.",
		},
		{name: "a good exercise", args: []string{"-solutions", "01"}, wantOK: true, wantRows: []string{
			"01-good Double passes fails",
			"All 1 reference solutions pass; all 1 stubs fail.",
		}},
		{name: "a wrong solution", args: []string{"-solutions", "02"}, wantRows: []string{
			"02-wrong Half FAILS fails",
			"02-wrong Half: the reference solution fails its tests",
		}, wantLast: "grade -solutions: 1 problems with the exercises themselves. Exit status 1."},
		{name: "a test the stub passes", args: []string{"-solutions", "03"}, wantRows: []string{
			"03-weak Zero passes PASSES",
			"03-weak Zero: its tests pass against the unsolved stub",
		}},
		{name: "a crash spares the next exercise", args: []string{"-solutions", "04"}, wantRows: []string{
			"04-crash Boom FAILS fails",
			"04-crash Calm passes fails",
		}},
		{name: "a stub that does not compile", args: []string{"-solutions", "05"}, wantRows: []string{
			"05-broken Quad passes BROKEN",
			"05-broken Quad: the stub does not compile",
		}},
		{name: "a stub that does not compile beside one that does", args: []string{"-solutions", "06"}, wantRows: []string{
			"06-partly One passes fails",
			"06-partly Two passes BROKEN",
		}},
		{name: "one chapter", args: []string{"1"}, wantRows: []string{"0 of 1 solved, 0 failing, 1 not attempted."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			var err error
			if len(tt.args) == 0 || tt.args[0] == "-solutions" {
				// Each case is go test runs of its own, so they run in
				// parallel; past the command line, which urfave/cli
				// parses into globals, so one case at a time.
				t.Parallel()
				err = gradeFixture(t, &out, tt.args)
			} else {
				args := append([]string{"grade", "-race=false", "-exercises", "tools/grade/testdata/exercises"}, tt.args...)
				err = run(context.Background(), args, &out, runGoTest)
			}
			if tt.wantOK {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, errNotAllGood)
			}
			// Rows are compared with runs of spaces folded to one.
			got := regexp.MustCompile(` {2,}`).ReplaceAllString(out.String(), " ")
			for _, row := range tt.wantRows {
				assert.Contains(t, got, row)
			}
			if tt.wantLast != "" {
				lines := strings.Split(strings.TrimRight(got, "\n"), "\n")
				assert.Equal(t, tt.wantLast, lines[len(lines)-1], "the last line")
			}
		})
	}
}

func TestGradeRejectsBadArguments(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "two chapters", args: []string{"01", "02"}, wantErr: "one chapter at most"},
		{name: "unknown chapter", args: []string{"42"}, wantErr: `no exercises for chapter "42"`},
		{name: "unknown flag", args: []string{"-bogus"}, wantErr: "flag provided but not defined: -bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			args := append([]string{"grade", "-exercises", "tools/grade/testdata/exercises"}, tt.args...)
			err := run(context.Background(), args, &out, runGoTest)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

// TestReportOf: the lines a lab's tests log with exercise.Report are
// the grader's to show, passing or failing; other lines are not.
func TestReportOf(t *testing.T) {
	run := &packageRun{tests: map[string]*testResult{
		"TestLab/seed_1": {action: "pass", output: []string{
			"    lab_test.go:10: grade: seed 1: msgs-per-op 9.80\n",
			"    lab_test.go:10: grade:   efficiency I: met\n",
			"    lab_test.go:12: not for the grader\n",
		}},
		"TestLab_Partition": {action: "fail", output: []string{"    lab_test.go:20: grade: healed after 1s\n"}},
		"TestOther":         {action: "pass", output: []string{"    other_test.go:3: grade: someone else's\n"}},
	}}
	tests := []struct {
		name  string
		tests []string
		want  []string
	}{
		{name: "the lab's", tests: []string{"TestLab", "TestLab_Partition"},
			want: []string{"seed 1: msgs-per-op 9.80", "  efficiency I: met", "healed after 1s"}},
		{name: "nothing to report", tests: []string{"TestNone"}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, reportOf(run, tt.tests))
		})
	}
	assert.Nil(t, reportOf(nil, []string{"TestLab"}), "no run, no report")
}
