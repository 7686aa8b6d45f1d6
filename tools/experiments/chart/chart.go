// Package chart draws the experiments' line charts as SVG, with no
// dependencies: axes with round ticks (a log scale where asked), one
// colour per series, error bars, and a legend. The same chart always
// gives the same bytes, so a committed SVG diffs cleanly.
package chart

import (
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
)

// Chart is a line chart.
type Chart struct {
	Title  string
	XLabel string
	YLabel string
	LogX   bool // x on a log scale: every x must be positive
	Series []Series
}

// Series is one line, or one set of points, on a chart.
type Series struct {
	Name   string
	Points []Point
	Line   bool // join the points
	Dots   bool // mark the points
	Dashed bool // a dashed line, e.g. for theory
}

// Point is one value; Err, if set, draws an error bar of ±Err.
type Point struct {
	X, Y, Err float64
}

// Size and layout, in SVG user units (pixels).
const (
	width        = 640
	height       = 400
	marginLeft   = 64
	marginRight  = 24
	marginTop    = 40
	marginBottom = 56
	maxTicks     = 8
	logPad       = 1.25 // a log-scale x axis reaches this factor past the data
)

// palette is a colour per series, in order; it reads on white, for
// colour-blind readers too (Okabe and Ito's palette).
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}

// ErrEmpty means a chart has no points to draw.
var ErrEmpty = errors.New("chart has no points")

// WriteSVG draws the chart.
func (c *Chart) WriteSVG(w io.Writer) error {
	xmin, xmax, ymin, ymax, err := c.bounds()
	if err != nil {
		return err
	}
	var xticks []float64
	if c.LogX {
		// A little room either side, so no point sits on the frame.
		xmin, xmax = xmin/logPad, xmax*logPad
		xticks = logTicks(xmin, xmax)
	} else {
		xticks = niceTicks(xmin, xmax)
		xmin, xmax = xticks[0], xticks[len(xticks)-1]
	}
	yticks := niceTicks(math.Min(ymin, 0), ymax)
	ymin, ymax = yticks[0], yticks[len(yticks)-1]

	px := func(x float64) float64 {
		if c.LogX {
			return marginLeft + (math.Log10(x)-math.Log10(xmin))/(math.Log10(xmax)-math.Log10(xmin))*(width-marginLeft-marginRight)
		}
		return marginLeft + (x-xmin)/(xmax-xmin)*(width-marginLeft-marginRight)
	}
	py := func(y float64) float64 {
		return height - marginBottom - (y-ymin)/(ymax-ymin)*(height-marginTop-marginBottom)
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", marginLeft, html.EscapeString(c.Title))

	// Grid and ticks.
	for _, t := range xticks {
		x := px(t)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e5e5e5"/>`+"\n", x, marginTop, x, height-marginBottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x, height-marginBottom+18, label(t))
	}
	for _, t := range yticks {
		y := py(t)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e5e5e5"/>`+"\n", marginLeft, y, width-marginRight, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", marginLeft-8, y+4, label(t))
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>`+"\n",
		marginLeft, marginTop, width-marginLeft-marginRight, height-marginTop-marginBottom)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n",
		(width+marginLeft-marginRight)/2, height-14, html.EscapeString(c.XLabel))
	fmt.Fprintf(&b, `<text transform="translate(16 %d) rotate(-90)" text-anchor="middle">%s</text>`+"\n",
		(height+marginTop-marginBottom)/2, html.EscapeString(c.YLabel))

	// Series, then the legend.
	for i, s := range c.Series {
		colour := palette[i%len(palette)]
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		if s.Line && len(s.Points) > 1 {
			var pts []string
			for _, p := range s.Points {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p.X), py(p.Y)))
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), colour, dash)
		}
		for _, p := range s.Points {
			if p.Err > 0 {
				fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5"/>`+"\n",
					px(p.X), py(p.Y-p.Err), px(p.X), py(p.Y+p.Err), colour)
			}
			if s.Dots {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>`+"\n", px(p.X), py(p.Y), colour)
			}
		}
		ly := marginTop + 16 + 18*i
		if s.Line {
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>`+"\n",
				marginLeft+12, ly-4, marginLeft+36, ly-4, colour, dash)
		}
		if s.Dots {
			fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="4" fill="%s"/>`+"\n", marginLeft+24, ly-4, colour)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`+"\n", marginLeft+42, ly, html.EscapeString(s.Name))
	}
	b.WriteString("</svg>\n")
	_, err = io.WriteString(w, b.String())
	return err
}

// bounds finds the range of the data, error bars included.
func (c *Chart) bounds() (xmin, xmax, ymin, ymax float64, err error) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, s := range c.Series {
		for _, p := range s.Points {
			if c.LogX && p.X <= 0 {
				return 0, 0, 0, 0, fmt.Errorf("series %q: x = %v on a log scale", s.Name, p.X)
			}
			xmin, xmax = math.Min(xmin, p.X), math.Max(xmax, p.X)
			ymin, ymax = math.Min(ymin, p.Y-p.Err), math.Max(ymax, p.Y+p.Err)
		}
	}
	if math.IsInf(xmin, 1) {
		return 0, 0, 0, 0, ErrEmpty
	}
	if xmax == xmin {
		xmax = xmin + 1
	}
	if ymax == ymin {
		ymax = ymin + 1
	}
	return xmin, xmax, ymin, ymax, nil
}

// niceTicks covers [lo, hi] with at most maxTicks evenly spaced ticks at
// round numbers: steps of 1, 2 or 5 times a power of ten.
func niceTicks(lo, hi float64) []float64 {
	span := hi - lo
	step := math.Pow(10, math.Floor(math.Log10(span/float64(maxTicks-1))))
	for _, m := range []float64{1, 2, 5, 10} {
		if math.Ceil(hi/(m*step))-math.Floor(lo/(m*step)) <= maxTicks-1 {
			step *= m
			break
		}
	}
	var ticks []float64
	for k := math.Floor(lo / step); k <= math.Ceil(hi/step); k++ {
		ticks = append(ticks, k*step)
	}
	return ticks
}

// logTicks is the powers of ten in [lo, hi], or lo and hi if there are
// none.
func logTicks(lo, hi float64) []float64 {
	var ticks []float64
	for e := math.Ceil(math.Log10(lo)); e <= math.Floor(math.Log10(hi)); e++ {
		ticks = append(ticks, math.Pow(10, e))
	}
	if len(ticks) == 0 {
		ticks = []float64{lo, hi}
	}
	return ticks
}

// label writes a tick value briefly: 10,000 as "10,000", 2.5 as "2.5".
func label(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		s := fmt.Sprintf("%d", int64(v))
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		if neg {
			s = "-" + s
		}
		return s
	}
	// Ten digits: a tick made as k*step, such as 3*0.2, is 0.6 on the
	// axis, not 0.6000000000000001.
	return strconv.FormatFloat(v, 'g', 10, 64)
}
