// Package testseed runs a randomised test over many seeds and makes any
// failure replayable: a failing seed is printed with the command that
// reruns exactly that seed.
//
//	testseed.Run(t, 20, func(t *testing.T, seed uint64) { ... })
//
// runs seeds 1 to 20 as subtests "seed=1" to "seed=20". With
// PEERCHAIN_SEED=N in the environment it runs seed N alone.
package testseed

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Env names the environment variable that picks a single seed.
const Env = "PEERCHAIN_SEED"

// Run calls f once per seed, each in a subtest named for its seed.
func Run(t *testing.T, n int, f func(t *testing.T, seed uint64)) {
	t.Helper()
	seeds, err := pick(n, os.Getenv(Env))
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Cleanup(func() {
				if t.Failed() {
					top, _, _ := strings.Cut(t.Name(), "/")
					t.Logf("seed %d failed; rerun it alone with: %s=%d go test -run '^%s$' %s",
						seed, Env, seed, top, packageDir())
				}
			})
			f(t, seed)
		})
	}
}

// pick returns the seeds to run: 1 to n, or the one the environment names.
func pick(n int, env string) ([]uint64, error) {
	if env != "" {
		seed, err := strconv.ParseUint(env, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: not a seed: %v", Env, env, err)
		}
		return []uint64{seed}, nil
	}
	seeds := make([]uint64, n)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	return seeds, nil
}

// packageDir is the directory of the package under test, from the module
// root ("./chapters/04-simulation"): go test runs a package's tests in its
// directory, so it is the way from the nearest go.mod to here.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		if filepath.Dir(dir) == dir {
			return "."
		}
	}
}
