package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
)

// Stat is a figure over several repetitions.
type Stat struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

func stat(xs []float64) Stat {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return Stat{}
	}
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stat{Min: s[0], Median: med, Max: s[len(s)-1]}
}

// Figure is one line of the table.
type Figure struct {
	Name    string `json:"name"`
	Value   Stat   `json:"value"`
	Unit    string `json:"unit"`
	Goal    string `json:"goal"`
	Met     *bool  `json:"met,omitempty"` // nil: no goal
	Note    string `json:"note,omitempty"`
	Command string `json:"-"`
}

// Row is one line of the scaling table.
type Row struct {
	Nodes        int     `json:"nodes"`
	Events       uint64  `json:"events"`
	Seconds      float64 `json:"seconds"`
	EventsPerSec float64 `json:"events_per_sec"`
	PeakRSS      int64   `json:"peak_rss_bytes"`
	BytesPerNode float64 `json:"bytes_per_node"`
}

// Report is everything one run measured.
type Report struct {
	CPU     string   `json:"cpu"`
	Cores   int      `json:"cores"`
	GoVer   string   `json:"go"`
	LoadAvg string   `json:"loadavg_before"`
	LoadEnd string   `json:"loadavg_after"`
	Runs    int      `json:"runs"`
	Figures []Figure `json:"figures"`
	Scale   []Row    `json:"scale,omitempty"`
}

func machineInfo() (cpu, load string) {
	cpu = "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return cpu, loadavg()
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func (r *Report) print(w io.Writer) {
	fmt.Fprintf(w, "machine: %s, %d cores, %s; load average %s before, %s after; %d runs each\n\n",
		r.CPU, r.Cores, r.GoVer, r.LoadAvg, r.LoadEnd, r.Runs)
	fmt.Fprintf(w, "%-62s %28s  %-10s %s\n", "figure", "min / median / max", "goal", "")
	for _, f := range r.Figures {
		verdict := ""
		if f.Met != nil {
			verdict = "met"
			if !*f.Met {
				verdict = "MISSED"
			}
		}
		fmt.Fprintf(w, "%-62s %28s  %-10s %s\n", f.Name, fmtStat(f.Value, f.Unit), f.Goal, verdict)
		if f.Note != "" {
			fmt.Fprintf(w, "    %s\n", f.Note)
		}
	}
	if len(r.Scale) > 0 {
		fmt.Fprintf(w, "\nscaling: push gossip, any-to-any, one process per size\n")
		fmt.Fprintf(w, "%10s %12s %9s %12s %10s %9s\n", "n", "events", "seconds", "events/s", "peak RSS", "B/node")
		for _, s := range r.Scale {
			fmt.Fprintf(w, "%10d %12d %9.2f %12.0f %8.0fMB %9.0f\n", s.Nodes, s.Events, s.Seconds,
				s.EventsPerSec, float64(s.PeakRSS)/1e6, s.BytesPerNode)
		}
	}
}

func fmtStat(s Stat, unit string) string {
	f := func(x float64) string {
		switch {
		case x >= 1e6:
			return fmt.Sprintf("%.2fM", x/1e6)
		case x >= 100:
			return fmt.Sprintf("%.0f", x)
		case x >= 1:
			return fmt.Sprintf("%.2f", x)
		default:
			return fmt.Sprintf("%.3f", x)
		}
	}
	return fmt.Sprintf("%s / %s / %s %s", f(s.Min), f(s.Median), f(s.Max), unit)
}

func newReport(runs int) *Report {
	cpu, load := machineInfo()
	return &Report{CPU: cpu, Cores: runtime.NumCPU(), GoVer: runtime.Version(), LoadAvg: load, Runs: runs}
}

func met(ok bool) *bool { return &ok }
