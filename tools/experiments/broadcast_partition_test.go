package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// partitionSmall is the story made small enough for a test.
var partitionSmall = partitionSetup{
	nodes: 30, rate: 5,
	warmup: 10 * time.Second, before: 2 * time.Second, split: 3 * time.Second,
	after: time.Second, watch: 10 * time.Second, drawn: 5 * time.Second,
}

// TestPartition: with the periodic inventory, every node holds every
// item published before the heal soon after it; without, the items
// each half published during the split never cross (-1 in the table).
// With no split, the last items arrive on their own.
func TestPartition(t *testing.T) {
	t.Parallel() // seeded, and shares nothing with the other tests
	res, err := partitionTable(partitionSmall, 1)
	require.NoError(t, err)
	require.Len(t, res.Rows, len(partitionVariants))
	require.Len(t, res.Chart.Series, len(partitionVariants), "one run each, each drawn")
	tests := []struct {
		name    string
		v       partitionVariant
		healing bool
	}{
		{name: "split, with sync", v: partitionVariant{split: true, sync: true}, healing: true},
		{name: "split, without sync", v: partitionVariant{split: true}},
		{name: "no split", v: partitionVariant{sync: true}, healing: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row, pts := res.Rows[i], res.Chart.Series[i].Points
			require.Len(t, row, len(res.Columns))
			assert.Equal(t, []float64{float64(boolInt(tt.v.split)), float64(boolInt(tt.v.sync)), 1},
				row[:3], "split, sync, runs")
			require.NotEmpty(t, pts)
			assert.Less(t, pts[0].Y, 1.0, "at the heal, the last items are on their way")
			assert.InDelta(t, partitionSmall.drawn.Seconds(), pts[len(pts)-1].X, 1e-9)
			if !tt.healing {
				assert.Equal(t, 0.0, row[3], "never caught up")
				assert.Equal(t, []float64{-1, -1, -1}, row[4:7])
				assert.Positive(t, row[7], "pairs missing")
				return
			}
			assert.Equal(t, 1.0, row[3], "caught up")
			assert.Positive(t, row[5], "after some time")
			assert.Less(t, row[5], partitionSmall.drawn.Seconds())
			assert.Zero(t, row[7], "every node holds every item")
			assert.Equal(t, 1.0, pts[len(pts)-1].Y)
		})
	}
}
