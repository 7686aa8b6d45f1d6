package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	broadcast "peerchain/chapters/06-broadcast"
	"peerchain/final/node"
	"peerchain/tools/exercise"
)

// TestLabOf: each --lab chapter puts its code into the node's Lab; a
// stub says it is not attempted, and a chapter the node has no lab of
// says which it has.
func TestLabOf(t *testing.T) {
	labs := []nodeLab{
		{chapter: "06", what: "a policy", try: func() {},
			apply: func(l *node.Lab) { l.Policy = broadcast.FloodPolicy{} }},
		{chapter: "05", what: "a stub", try: func() { exercise.NotAttempted() },
			apply: func(*node.Lab) { t.Error("a stub's lab applied") }},
	}
	tests := []struct {
		name       string
		chapters   []string
		wantPolicy broadcast.Policy
		wantErr    string
	}{
		{name: "none", chapters: nil},
		{name: "one", chapters: []string{"06"}, wantPolicy: broadcast.FloodPolicy{}},
		{name: "not attempted", chapters: []string{"06", "05"}, wantErr: "--lab 05 runs a stub, but"},
		{name: "not one the node runs", chapters: []string{"04"}, wantErr: "--lab 04: the node runs the labs of chapters 05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := labOf(tt.chapters, labs)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantPolicy, l.Policy)
			assert.Nil(t, l.Backoff)
		})
	}
}

// TestNodeLabs: each lab the node runs is either a stub that says so,
// as on a fresh clone, or the learner's code, which goes into the Lab.
func TestNodeLabs(t *testing.T) {
	for _, nl := range nodeLabs {
		t.Run(nl.chapter, func(t *testing.T) {
			l, err := lab([]string{nl.chapter})
			if errors.Is(err, exercise.ErrNotAttempted) {
				assert.ErrorContains(t, err, "exercises/"+nl.chapter+"-")
				return
			}
			require.NoError(t, err)
			assert.NotEqual(t, node.Lab{}, l, "the lab went into the node")
		})
	}
}
