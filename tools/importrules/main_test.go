package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		pkg  pkg
		want []string
	}{
		{name: "an earlier chapter", pkg: pkg{ImportPath: "peerchain/chapters/04-simulation", Name: "simulation",
			Imports: []string{"fmt", "peerchain/chapters/02-wire", "peerchain/tools/testseed"}}},
		{name: "a later chapter", pkg: pkg{ImportPath: "peerchain/chapters/03-peers", Name: "peers",
			Imports: []string{"peerchain/chapters/04-simulation"}},
			want: []string{"peerchain/chapters/03-peers imports peerchain/chapters/04-simulation: chapter 03 may import only chapters before it"}},
		{name: "a later chapter, in a test", pkg: pkg{ImportPath: "peerchain/chapters/03-peers", Name: "peers",
			TestImports: []string{"peerchain/chapters/05-discovery"}},
			want: []string{"peerchain/chapters/03-peers imports peerchain/chapters/05-discovery: chapter 03 may import only chapters before it"}},
		{name: "final from a chapter", pkg: pkg{ImportPath: "peerchain/chapters/05-discovery", Name: "discovery",
			Imports: []string{"peerchain/final/storage"}},
			want: []string{"peerchain/chapters/05-discovery imports peerchain/final/storage: chapters and exercises never import final/"}},
		{name: "tools/command in a library", pkg: pkg{ImportPath: "peerchain/chapters/02-wire", Name: "wire",
			Imports: []string{"peerchain/tools/command"}},
			want: []string{"peerchain/chapters/02-wire imports peerchain/tools/command: a library package never imports tools/command: only a main does"}},
		{name: "tools/command in a main", pkg: pkg{ImportPath: "peerchain/chapters/02-wire/cmd/wiredump", Name: "main",
			Imports: []string{"peerchain/tools/command", "peerchain/chapters/02-wire"}}},
		{name: "a demo runs its chapter's lab", pkg: pkg{ImportPath: "peerchain/chapters/04-simulation/cmd/spread", Name: "main",
			Imports: []string{"peerchain/exercises/04-simulation"}}},
		{name: "a demo runs another chapter's lab", pkg: pkg{ImportPath: "peerchain/chapters/04-simulation/cmd/spread", Name: "main",
			Imports: []string{"peerchain/exercises/03-peers"}},
			want: []string{"peerchain/chapters/04-simulation/cmd/spread imports peerchain/exercises/03-peers: only a chapter's own cmd/ may import its exercises"}},
		{name: "a library runs a lab", pkg: pkg{ImportPath: "peerchain/chapters/04-simulation", Name: "simulation",
			Imports: []string{"peerchain/exercises/04-simulation"}},
			want: []string{"peerchain/chapters/04-simulation imports peerchain/exercises/04-simulation: only a chapter's own cmd/ may import its exercises"}},
		{name: "exercises of a later chapter's code", pkg: pkg{ImportPath: "peerchain/exercises/03-peers", Name: "peers",
			Imports: []string{"peerchain/chapters/04-simulation"}},
			want: []string{"peerchain/exercises/03-peers imports peerchain/chapters/04-simulation: exercises for chapter 03 may use only chapters up to it"}},
		{name: "the final node's command runs a lab", pkg: pkg{ImportPath: "peerchain/final/cmd/peerchain", Name: "main",
			Imports: []string{"peerchain/exercises/07-transactions", "peerchain/chapters/05-discovery"}}},
		{name: "the final node's library runs a lab", pkg: pkg{ImportPath: "peerchain/final/node", Name: "node",
			Imports: []string{"peerchain/exercises/07-transactions"}},
			want: []string{"peerchain/final/node imports peerchain/exercises/07-transactions: only a command may run a learner's code"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, check([]pkg{tt.pkg}))
		})
	}
}

// TestRepositoryFollowsTheRules runs the check on this repository.
func TestRepositoryFollowsTheRules(t *testing.T) {
	pkgs, err := listPackages(t.Context())
	require.NoError(t, err)
	assert.Greater(t, len(pkgs), 10)
	assert.Empty(t, check(pkgs))
}
