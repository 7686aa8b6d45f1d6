// Package testalloc measures what one function allocates, for tests
// that bound a decoder's memory: only that function's allocations,
// whatever other goroutines (the testing package, the race detector,
// tests running in parallel) allocate meanwhile.
package testalloc

import (
	"reflect"
	"runtime"
)

// Bytes returns how many bytes of heap f allocates, and only f: the
// bytes allocated by calls below measureAllocs, counted from the heap
// profile with every allocation sampled. A process-wide count such as
// MemStats.TotalAlloc would add whatever other goroutines (the testing
// package, the race detector, tests running in parallel) allocate
// meanwhile.
func Bytes(f func()) uint64 {
	rate := runtime.MemProfileRate
	runtime.MemProfileRate = 1 // record every allocation, from now on
	defer func() { runtime.MemProfileRate = rate }()
	before := allocatedBelow(measureAllocsName)
	measureAllocs(f)
	return allocatedBelow(measureAllocsName) - before
}

// measureAllocs calls f; its frame marks f's allocations in the profile.
//
//go:noinline
func measureAllocs(f func()) { f() }

var measureAllocsName = runtime.FuncForPC(reflect.ValueOf(measureAllocs).Pointer()).Name()

// allocatedBelow sums the bytes allocated, so far, by calls with fn on
// their stack. The heap profile is published by garbage collections, up
// to two behind, so it runs three first.
func allocatedBelow(fn string) uint64 {
	for range 3 {
		runtime.GC()
	}
	var records []runtime.MemProfileRecord
	for n := 64; ; n *= 2 {
		records = make([]runtime.MemProfileRecord, n)
		got, ok := runtime.MemProfile(records, true)
		if ok {
			records = records[:got]
			break
		}
	}
	var total uint64
	for _, r := range records {
		frames := runtime.CallersFrames(r.Stack())
		for {
			f, more := frames.Next()
			if f.Function == fn {
				total += uint64(r.AllocBytes)
				break
			}
			if !more {
				break
			}
		}
	}
	return total
}
