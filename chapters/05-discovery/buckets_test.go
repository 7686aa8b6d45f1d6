package discovery

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHash(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		key2 bool // hash b with another key
		same bool
	}{
		{name: "same parts, same hash", a: []string{"x", "y"}, b: []string{"x", "y"}, same: true},
		{name: "parts are not concatenated", a: []string{"ab", "c"}, b: []string{"a", "bc"}},
		{name: "order matters", a: []string{"x", "y"}, b: []string{"y", "x"}},
		{name: "another key, another hash", a: []string{"x"}, b: []string{"x"}, key2: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key2 := testKey
			if tt.key2 {
				key2[31] = 9
			}
			ha, hb := Hash(testKey, tt.a...), Hash(key2, tt.b...)
			assert.Equal(t, tt.same, ha == hb)
		})
	}
	// A literal value, so that the exercise and the book agree forever.
	assert.Equal(t, uint64(0x505d811438f586e4), Hash([32]byte{}, "new-slot", "203.0", "198.51"))
}

// TestNewBucketsPerSource: whatever addresses one source group sends,
// from thousands of groups, they land in at most NewBucketsPerSource
// buckets; an address's own group decides nothing more.
func TestNewBucketsPerSource(t *testing.T) {
	buckets := map[int]bool{}
	for g := range 5000 {
		group := ipAddr(byte(g>>8)+1, byte(g), 1)
		buckets[NewBucket(testKey, Group(group), "198.51", DefaultNewBuckets, DefaultNewBucketsPerSource)] = true
	}
	// Two of the source's slots may map to one bucket: at most, then.
	assert.LessOrEqual(t, len(buckets), DefaultNewBucketsPerSource)
	assert.Greater(t, len(buckets), DefaultNewBucketsPerSource/2)

	// Many source groups spread over the whole table.
	all := map[int]bool{}
	for s := range 5000 {
		src := Group(ipAddr(byte(s>>8)+1, byte(s), 1))
		all[NewBucket(testKey, "203.0", src, DefaultNewBuckets, DefaultNewBucketsPerSource)] = true
	}
	assert.Greater(t, len(all), DefaultNewBuckets*9/10)
}

// TestTriedBucketsPerGroup: all the addresses of one group share at most
// TriedBucketsPerGroup tried buckets.
func TestTriedBucketsPerGroup(t *testing.T) {
	buckets := map[int]bool{}
	for i := range 5000 {
		buckets[TriedBucket(testKey, ipAddr(203, 0, i), DefaultTriedBuckets, DefaultTriedBucketsPerGroup)] = true
	}
	assert.LessOrEqual(t, len(buckets), DefaultTriedBucketsPerGroup)
	assert.NotEmpty(t, buckets)
}
