package simulation

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseLatency reads a latency distribution written as a command-line
// flag value:
//
//	none                no delay
//	50ms                constant:50ms
//	constant:50ms
//	uniform:10ms:100ms  from 10 to 100 ms
//	exp:50ms            exponential, mean 50 ms
//	lognormal:80ms:0.5  log-normal, median 80 ms, sigma 0.5
func ParseLatency(s string) (Latency, error) {
	kind, args, _ := strings.Cut(s, ":")
	parts := strings.Split(args, ":")
	want := func(n int) error {
		if args == "" || len(parts) != n {
			return fmt.Errorf("%w: latency %q: %s takes %d values after a colon", ErrConfig, s, kind, n)
		}
		return nil
	}
	var l Latency
	var err error
	switch kind {
	case "none", "0":
		if args != "" {
			return nil, fmt.Errorf("%w: latency %q: none takes no values", ErrConfig, s)
		}
		l = Constant{}
	case "constant":
		if err = want(1); err == nil {
			var d time.Duration
			d, err = parseDuration(s, parts[0])
			l = Constant{D: d}
		}
	case "uniform":
		if err = want(2); err == nil {
			var lo, hi time.Duration
			if lo, err = parseDuration(s, parts[0]); err == nil {
				hi, err = parseDuration(s, parts[1])
			}
			l = Uniform{Min: lo, Max: hi}
		}
	case "exp", "exponential":
		if err = want(1); err == nil {
			var d time.Duration
			d, err = parseDuration(s, parts[0])
			l = Exponential{Mean: d}
		}
	case "lognormal":
		if err = want(2); err == nil {
			var d time.Duration
			var sigma float64
			if d, err = parseDuration(s, parts[0]); err == nil {
				sigma, err = strconv.ParseFloat(parts[1], 64)
				if err != nil {
					err = fmt.Errorf("%w: latency %q: sigma %q is not a number", ErrConfig, s, parts[1])
				}
			}
			l = LogNormal{Median: d, Sigma: sigma}
		}
	default:
		d, derr := time.ParseDuration(s)
		if derr != nil {
			return nil, fmt.Errorf("%w: latency %q: want none, a duration, constant:D, uniform:MIN:MAX, exp:MEAN or lognormal:MEDIAN:SIGMA", ErrConfig, s)
		}
		l = Constant{D: d}
	}
	if err != nil {
		return nil, err
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	return l, nil
}

func parseDuration(flag, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%w: latency %q: %q is not a duration such as 50ms", ErrConfig, flag, s)
	}
	return d, nil
}

// ParseTopology reads a topology written as a command-line flag value:
// any, none (no links: nodes must dial), complete, ring, line,
// grid:WIDTH or regular:DEGREE.
func ParseTopology(s string) (Topology, error) {
	kind, arg, hasArg := strings.Cut(s, ":")
	number := func() (int, error) {
		n, err := strconv.Atoi(arg)
		if !hasArg || err != nil || n < 1 {
			return 0, fmt.Errorf("%w: topology %q: %s needs a positive whole number, as in %s:8", ErrConfig, s, kind, kind)
		}
		return n, nil
	}
	if hasArg && kind != "grid" && kind != "regular" {
		return nil, fmt.Errorf("%w: topology %q: %s takes no value", ErrConfig, s, kind)
	}
	switch kind {
	case "any":
		return AnyToAny(), nil
	case "none":
		return NoLinks(), nil
	case "complete":
		return Complete(), nil
	case "ring":
		return Ring(), nil
	case "line":
		return Line(), nil
	case "grid":
		w, err := number()
		return Grid(w), err
	case "regular":
		d, err := number()
		return RandomRegular(d), err
	}
	return nil, fmt.Errorf("%w: topology %q: want any, none, complete, ring, line, grid:WIDTH or regular:DEGREE", ErrConfig, s)
}
