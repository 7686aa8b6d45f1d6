package discovery

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	chapter "peerchain/chapters/05-discovery"
	"peerchain/tools/exercise"
)

func TestBucket(t *testing.T) {
	key := [32]byte{7}
	tests := []struct {
		name              string
		addrGroup, source string
	}{
		{name: "IPv4 from IPv4", addrGroup: "203.0", source: "198.51"},
		{name: "IPv6 from IPv4", addrGroup: "2001:db8::/32", source: "198.51"},
		{name: "loopback", addrGroup: "127.0.0.1:7001", source: "127.0.0.1:7002"},
		{name: "from a DNS seed", addrGroup: "203.0", source: "dns:seed.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			want := chapter.NewBucket(key, tt.addrGroup, tt.source, NewBuckets, NewBucketsPerSource)
			assert.Equal(t, want, Bucket(key, tt.addrGroup, tt.source))
		})
	}
}

// TestBucket_OneSourceFewBuckets: whatever one source sends, it fills
// at most NewBucketsPerSource buckets, and many sources fill nearly all.
func TestBucket_OneSourceFewBuckets(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	key := [32]byte{9}
	one, many := map[int]bool{}, map[int]bool{}
	for i := range 3000 {
		g := fmt.Sprintf("%d.%d", i/256, i%256)
		b := Bucket(key, g, "6.6")
		assert.True(t, b >= 0 && b < NewBuckets, "bucket %d", b)
		one[b] = true
		many[Bucket(key, "203.0", g)] = true
	}
	// Two of the source's slots may share a bucket: at most, not exactly.
	assert.LessOrEqual(t, len(one), NewBucketsPerSource)
	assert.Greater(t, len(one), NewBucketsPerSource/2)
	assert.Greater(t, len(many), NewBuckets*9/10)
}
