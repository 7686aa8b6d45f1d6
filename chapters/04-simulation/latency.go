package simulation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// MaxLatency bounds every latency a distribution may produce, so one
// unlucky sample from a long tail cannot stall a run for simulated years.
const MaxLatency = time.Hour

// docs:begin latency

// Latency is how long a message takes to cross a link: a distribution
// the simulator samples once per message, with its own seeded source.
type Latency interface {
	Sample(r *rand.Rand) time.Duration
	Validate() error
}

// Constant: every message takes exactly D.
type Constant struct{ D time.Duration }

// Uniform: any time from Min to Max, equally likely.
type Uniform struct{ Min, Max time.Duration }

// Exponential: usually quick, sometimes slow; the mean is Mean.
type Exponential struct{ Mean time.Duration }

// LogNormal: what measured internet latencies look like. Half the
// messages take less than Median; Sigma sets how long the tail is
// (0.5 is a moderate tail, 1 a long one).
type LogNormal struct {
	Median time.Duration
	Sigma  float64
}

func (c Constant) Sample(*rand.Rand) time.Duration { return c.D }

func (u Uniform) Sample(r *rand.Rand) time.Duration {
	return u.Min + time.Duration(r.Int64N(int64(u.Max-u.Min)+1))
}

func (e Exponential) Sample(r *rand.Rand) time.Duration {
	return capped(r.ExpFloat64() * float64(e.Mean))
}

func (l LogNormal) Sample(r *rand.Rand) time.Duration {
	return capped(float64(l.Median) * math.Exp(l.Sigma*r.NormFloat64()))
}

// docs:end latency

// capped turns a sampled float into a duration no longer than MaxLatency.
func capped(d float64) time.Duration {
	if d >= float64(MaxLatency) {
		return MaxLatency
	}
	return time.Duration(d)
}

func (c Constant) Validate() error { return checkDuration("Constant.D", c.D) }

func (u Uniform) Validate() error {
	if err := checkDuration("Uniform.Min", u.Min); err != nil {
		return err
	}
	if err := checkDuration("Uniform.Max", u.Max); err != nil {
		return err
	}
	if u.Max < u.Min {
		return fmt.Errorf("%w: Uniform.Max %v is below Min %v", ErrConfig, u.Max, u.Min)
	}
	return nil
}

func (e Exponential) Validate() error { return checkDuration("Exponential.Mean", e.Mean) }

func (l LogNormal) Validate() error {
	if err := checkDuration("LogNormal.Median", l.Median); err != nil {
		return err
	}
	if l.Sigma < 0 || l.Sigma > 3 || math.IsNaN(l.Sigma) {
		return fmt.Errorf("%w: LogNormal.Sigma %v not in 0..3", ErrConfig, l.Sigma)
	}
	return nil
}

func checkDuration(field string, d time.Duration) error {
	if d < 0 || d > MaxLatency {
		return fmt.Errorf("%w: %s %v not in 0..%v", ErrConfig, field, d, MaxLatency)
	}
	return nil
}

func (c Constant) String() string {
	if c.D == 0 {
		return "none"
	}
	return fmt.Sprintf("constant %v", c.D)
}
func (u Uniform) String() string     { return fmt.Sprintf("uniform %v..%v", u.Min, u.Max) }
func (e Exponential) String() string { return fmt.Sprintf("exponential, mean %v", e.Mean) }
func (l LogNormal) String() string {
	return fmt.Sprintf("log-normal, median %v, sigma %g", l.Median, l.Sigma)
}
