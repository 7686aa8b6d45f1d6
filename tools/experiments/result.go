package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"peerchain/tools/experiments/chart"
)

// Result is what an experiment found: a table, and a chart of it.
type Result struct {
	Title   string
	Columns []Column
	Rows    [][]float64
	Notes   []string // printed under the table
	Chart   *chart.Chart
	// JSON, if set, is what -json prints instead of the rows: for an
	// experiment whose figures have a shape of their own.
	JSON any
}

// Column is one column of a result's table.
type Column struct {
	Key      string // its name in JSON
	Header   string // its heading in the table
	Decimals int    // digits after the point, in the table and in JSON
}

// WriteTable prints the result as aligned text.
func (r *Result) WriteTable(w io.Writer) error {
	cells := make([][]string, len(r.Rows)+1)
	widths := make([]int, len(r.Columns))
	for i, c := range r.Columns {
		cells[0] = append(cells[0], c.Header)
		widths[i] = len(c.Header)
	}
	for i, row := range r.Rows {
		for j, v := range row {
			s := formatNumber(v, r.Columns[j].Decimals)
			cells[i+1] = append(cells[i+1], s)
			widths[j] = max(widths[j], len(s))
		}
	}
	var b strings.Builder
	b.WriteString(r.Title + "\n\n")
	for _, row := range cells {
		for j, s := range row {
			if j > 0 {
				b.WriteString("  ")
			}
			b.WriteString(strings.Repeat(" ", widths[j]-len(s)) + s)
		}
		b.WriteString("\n")
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n" + strings.Join(r.Notes, "\n") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON prints the result as {"rows":[{key: value, ...}, ...]}, or
// its JSON if it has one.
func (r *Result) WriteJSON(w io.Writer) error {
	if r.JSON != nil {
		return json.NewEncoder(w).Encode(r.JSON)
	}
	rows := make([]map[string]float64, len(r.Rows))
	for i, row := range r.Rows {
		rows[i] = make(map[string]float64, len(row))
		for j, v := range row {
			p := math.Pow(10, float64(r.Columns[j].Decimals))
			rows[i][r.Columns[j].Key] = math.Round(v*p) / p
		}
	}
	enc := json.NewEncoder(w)
	return enc.Encode(struct {
		Rows []map[string]float64 `json:"rows"`
	}{rows})
}

// formatNumber writes v with the given decimals, and thousands separated
// by commas when it is whole: 10,000 and 16.87.
func formatNumber(v float64, decimals int) string {
	if decimals > 0 {
		return fmt.Sprintf("%.*f", decimals, v)
	}
	s := fmt.Sprintf("%.0f", v)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
