package main

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/fatih/color"
)

// nodeColors are the devnet's colours, one per node, in turn. Red is
// left out: it means an error.
var nodeColors = []color.Attribute{
	color.FgCyan, color.FgMagenta, color.FgYellow, color.FgGreen, color.FgBlue,
	color.FgHiCyan, color.FgHiMagenta, color.FgHiYellow, color.FgHiGreen, color.FgHiBlue,
}

func nodeColor(i int) *color.Color { return color.New(nodeColors[i%len(nodeColors)]) }

// printer writes the devnet's output from many goroutines: the nodes'
// lines, its own events, and the live summary. On a terminal the
// summary is a block kept at the bottom of the screen, redrawn in place;
// elsewhere it is printed again only when it changes.
type printer struct {
	mu       sync.Mutex
	w        io.Writer
	live     bool     // a terminal: redraw the summary in place
	footer   []string // the summary on screen, live
	last     string   // the last summary printed, not live
	nameLen  int
	noted    bool // the readiness note was printed
	quietOut bool // --quiet: no node lines
}

func newPrinter(w io.Writer, live bool, nodes int, quiet bool) *printer {
	return &printer{w: w, live: live, nameLen: len(fmt.Sprintf("node%d", nodes-1)), quietOut: quiet}
}

// line prints a line a node wrote, after its name in its colour.
func (p *printer) line(i int, name, text string) {
	if p.quietOut {
		return
	}
	prefix := nodeColor(i).Sprintf("%-*s |", p.nameLen, name)
	p.print(prefix + " " + text)
}

// event prints one of the devnet's own lines; bad news in red.
func (p *printer) event(i int, name, text string, bad bool) {
	prefix := nodeColor(i).Sprintf("%-*s", p.nameLen, name)
	if bad {
		text = color.RedString("%s", text)
	}
	p.print(fmt.Sprintf("%s * %s", prefix, text))
}

// note prints a line of the devnet's own, not about one node.
func (p *printer) note(text string) { p.print(text) }

// print writes a line above the live summary.
func (p *printer) print(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearFooter()
	fmt.Fprintln(p.w, text)
	p.drawFooter()
}

// summary shows the network's state: in place on a terminal, or as new
// lines when it changed.
func (p *printer) summary(lines []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live {
		p.clearFooter()
		p.footer = lines
		p.drawFooter()
		return
	}
	if s := plain(lines); s != p.last {
		p.last = s
		fmt.Fprintln(p.w, strings.Join(lines, "\n"))
		if !p.noted {
			p.noted = true
			fmt.Fprintln(p.w, readyNote)
		}
	}
}

// final prints the closing summary below everything, for good.
func (p *printer) final(lines []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearFooter()
	p.footer = nil
	fmt.Fprintln(p.w, strings.Join(lines, "\n"))
}

// clearFooter erases the live summary: up one line per line of it, and
// clear to the end of the screen.
func (p *printer) clearFooter() {
	if p.live && len(p.footer) > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA\x1b[J", len(p.footer))
	}
}

func (p *printer) drawFooter() {
	if p.live && len(p.footer) > 0 {
		fmt.Fprintln(p.w, strings.Join(p.footer, "\n"))
	}
}
