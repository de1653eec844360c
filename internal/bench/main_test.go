package bench

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestMain names the machine the figures come from, and how busy it was: on a shared
// machine wall times grow with the load, CPU times much less.
func TestMain(m *testing.M) {
	fmt.Printf("machine: %s, %d cores, %s; load average %s\n", cpuModel(), runtime.NumCPU(), runtime.Version(), loadAverage())
	code := m.Run()
	fmt.Printf("load average at the end: %s\n", loadAverage())
	os.Exit(code)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func loadAverage() string {
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
