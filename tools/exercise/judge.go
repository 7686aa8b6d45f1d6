package exercise

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An exercise's tests are a table of rows, and a table can be too kind:
// a row that every plausible mistake passes checks nothing. A judge test
// checks the rows themselves: it runs wrong versions of the exercise,
// each with one known mistake, and requires each to fail the rows that
// should catch it. The wrong versions are usually one function with the
// mistakes as flags, and with no flag set (the base) it must pass every
// row, so that a wrong one fails for its mistake and nothing else.

// Row is one graded row of an exercise's tests, found by Name. Check
// runs impl, a version of the exercise, on the row and returns what it
// got wrong: nothing if it passed. t is the test Check runs in, for the
// row's preconditions.
type Row[F any] struct {
	Name  string
	Check func(t testing.TB, impl F) []string
}

// Wrong is a wrong version of an exercise: Impl, with the mistake Name
// says, and the names of the rows that must catch it.
type Wrong[F any] struct {
	Name     string
	Impl     F
	MustFail []string
}

// BaseTest names the subtest of Judge in which the base passes every
// row.
const BaseTest = "the wrong ones' base, with no mistake, passes every row"

// Judge checks an exercise's rows: in a subtest named BaseTest, base,
// the version the wrong ones are made from, passes every row; then
// MustFail.
func Judge[F any](t *testing.T, rows []Row[F], base F, wrongs []Wrong[F]) {
	t.Helper()
	judge(t, rows, base, wrongs)
}

// MustFail checks, in a subtest named for each wrong version, that it
// fails every row it names; a name that is no row's fails the subtest.
// It is Judge for wrong versions that share no base.
func MustFail[F any](t *testing.T, rows []Row[F], wrongs []Wrong[F]) {
	t.Helper()
	mustFail(t, rows, wrongs)
}

// PassesEvery checks that impl passes every row.
func PassesEvery[F any](t testing.TB, rows []Row[F], impl F) {
	t.Helper()
	for _, row := range rows {
		assert.Empty(t, row.Check(t, impl), "row %q", row.Name)
	}
}

// judgeT is what Judge asks of its test: *testing.T, or in this
// package's tests one that records what fails.
type judgeT[T any] interface {
	testing.TB
	Run(name string, f func(T)) bool
}

// judge is Judge for any judgeT.
func judge[F any, T judgeT[T]](t T, rows []Row[F], base F, wrongs []Wrong[F]) {
	t.Helper()
	t.Run(BaseTest, func(t T) { PassesEvery(t, rows, base) })
	mustFail(t, rows, wrongs)
}

// mustFail is MustFail for any judgeT.
func mustFail[F any, T judgeT[T]](t T, rows []Row[F], wrongs []Wrong[F]) {
	t.Helper()
	byName := make(map[string]Row[F], len(rows))
	for _, row := range rows {
		byName[row.Name] = row
	}
	for _, w := range wrongs {
		t.Run(w.Name, func(t T) {
			for _, name := range w.MustFail {
				row, ok := byName[name]
				require.True(t, ok, "no row %q", name)
				assert.NotEmpty(t, row.Check(t, w.Impl), "row %q passes %s", name, w.Name)
			}
		})
	}
}
