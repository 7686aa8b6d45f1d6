package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"
)

// cell is one table cell: its text and, optionally, its colour.
type cell struct {
	text  string
	color *color.Color
}

// printTable writes rows under a header, columns padded to line up. The
// padding is measured on the plain text, so colour never misaligns it.
func printTable(w io.Writer, header []string, rows [][]cell) {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = len(h)
	}
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len(c.text))
		}
	}
	line := func(cells []cell) {
		var b strings.Builder
		for i, c := range cells {
			text := c.text
			if i < len(cells)-1 {
				text += strings.Repeat(" ", widths[i]-len(c.text)+2)
			}
			if c.color != nil {
				text = c.color.Sprint(text)
			}
			b.WriteString(text)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	headerCells := make([]cell, len(header))
	for i, h := range header {
		headerCells[i] = cell{text: h, color: bold}
	}
	line(headerCells)
	for _, row := range rows {
		line(row)
	}
}

var (
	bold   = color.New(color.Bold)
	green  = color.New(color.FgGreen)
	red    = color.New(color.FgRed)
	yellow = color.New(color.FgYellow)
	faint  = color.New(color.Faint)
)

// statusColor: green for solved, red for failing, yellow for to do.
func statusColor(s Status) *color.Color {
	switch s {
	case Solved:
		return green
	case Failing:
		return red
	}
	return yellow
}
