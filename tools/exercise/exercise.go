// Package exercise lets the tests in exercises/ tell an exercise nobody has
// attempted yet from one that is wrong.
//
// A stub starts with a call to NotAttempted and ends with the simplest
// return that compiles:
//
//	func Checksum(payload []byte) [4]byte {
//		exercise.NotAttempted() // delete this line when you start
//		return [4]byte{}
//	}
//
// Every test of it defers SkipIfNotAttempted, so that until the learner
// deletes the call, the test reports itself skipped with a pointer to the
// chapter's docs instead of failing. The grader (tools/grade) also runs the
// tests with StubCheckEnv set, which makes NotAttempted return: the stub then
// runs to its trivial return, and every exercise's tests must fail on it.
package exercise

import (
	"errors"
	"fmt"
	"os"
	"path"
	"runtime"
	"strings"
	"testing"
	"time"
)

// StubCheckEnv names the environment variable that, set to "1", makes
// NotAttempted return instead of panicking.
const StubCheckEnv = "PEERCHAIN_STUB_CHECK"

// notAttempted is the panic value of NotAttempted.
type notAttempted struct {
	function string // "SplitLines", "(*PeerSet).Add"
	file     string // "exercises/01-sockets/splitlines.go"
	docs     string // "docs/chapters/01-sockets.md#exercises"
}

// NotAttempted marks an exercise stub. Delete the call to start the
// exercise.
func NotAttempted() {
	if os.Getenv(StubCheckEnv) == "1" {
		return
	}
	panic(whoCalled())
}

// whoCalled describes the stub that called NotAttempted.
func whoCalled() notAttempted {
	pc, file, _, ok := runtime.Caller(2)
	if !ok {
		return notAttempted{function: "this exercise"}
	}
	// The function's full name is "peerchain/exercises/01-sockets.Name".
	full := runtime.FuncForPC(pc).Name()
	pkg, fn, _ := strings.Cut(path.Base(full), ".")
	return notAttempted{
		function: fn,
		file:     path.Join("exercises", pkg, path.Base(file)),
		docs:     DocsPage(pkg),
	}
}

// DocsPage returns where the exercises of a chapter directory, such as
// "01-sockets", are explained.
func DocsPage(chapter string) string {
	return "docs/chapters/" + chapter + ".md#exercises"
}

// SkipIfNotAttempted, deferred at the start of a test or subtest, turns a
// stub's NotAttempted panic into a skip that says where to start. Any
// other panic goes on as a panic.
func SkipIfNotAttempted(t testing.TB) {
	r := recover()
	if r == nil {
		return
	}
	na, ok := r.(notAttempted)
	if !ok {
		panic(r)
	}
	t.Helper()
	t.Skipf("%s is not attempted yet: write it in %s and delete its "+
		"exercise.NotAttempted() call; the task is in %s",
		na.function, na.file, na.docs)
}

// Within runs f and fails the test if f takes longer than limit: the way
// to test that a learner's code does not block. A panic in f, such as a
// stub's NotAttempted, is raised again in the caller's goroutine, where a
// deferred SkipIfNotAttempted can see it.
func Within(t testing.TB, limit time.Duration, f func()) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f()
	}()
	select {
	case r := <-done:
		if r != nil {
			panic(r)
		}
	case <-time.After(limit):
		t.Fatalf("did not return within %v: does it block?", limit)
	}
}

// ErrNotAttempted is wrapped by the error Try returns for a stub.
var ErrNotAttempted = errors.New("not attempted yet")

// Try calls f and returns an error wrapping ErrNotAttempted if f reached
// a stub's NotAttempted; any other panic goes on as a panic. It is how a
// demo's -lab mode finds out, before it relies on them, whether the
// learner has started the exercises it runs.
func Try(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			na, ok := r.(notAttempted)
			if !ok {
				panic(r)
			}
			err = na
		}
	}()
	f()
	return nil
}

// Error says which stub it is and where to start.
func (n notAttempted) Error() string {
	return fmt.Sprintf("%s is %s: write it in %s and delete its "+
		"exercise.NotAttempted() call; the task is in %s",
		n.function, ErrNotAttempted, n.file, n.docs)
}

func (n notAttempted) Unwrap() error { return ErrNotAttempted }

// String makes a stray NotAttempted panic readable.
func (n notAttempted) String() string {
	return fmt.Sprintf("%s is not attempted yet (%s)", n.function, n.docs)
}

// ReportMark starts a line a test logs for the grader to show, passing
// or failing: a lab's figures against its bounds.
const ReportMark = "grade: "

// Report logs what the grader shows under the exercise's result, each
// line marked with ReportMark.
func Report(t testing.TB, format string, args ...any) {
	t.Helper()
	for _, line := range reportLines(format, args...) {
		t.Log(line)
	}
}

// reportLines is what Report logs: one marked line per line of text.
func reportLines(format string, args ...any) []string {
	lines := strings.Split(fmt.Sprintf(format, args...), "\n")
	for i, l := range lines {
		lines[i] = ReportMark + l
	}
	return lines
}
