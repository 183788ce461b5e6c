package cli

import (
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles starts the profiles developers ask for through the
// environment (CAIRN_CPUPROFILE, CAIRN_MEMPROFILE: file names) and returns
// the function that finishes them. Profiling real runs of the commands
// is how the evaluator's hot spots are found.
func startProfiles() func() {
	var stops []func()
	if f := os.Getenv("CAIRN_CPUPROFILE"); f != "" {
		if out, err := os.Create(f); err == nil {
			if pprof.StartCPUProfile(out) == nil {
				stops = append(stops, func() { pprof.StopCPUProfile(); out.Close() })
			}
		}
	}
	if f := os.Getenv("CAIRN_MEMPROFILE"); f != "" {
		runtime.MemProfileRate = 64 << 10
		stops = append(stops, func() {
			runtime.GC() // the profile shows allocations up to the last collection
			if out, err := os.Create(f); err == nil {
				pprof.Lookup("allocs").WriteTo(out, 0)
				out.Close()
			}
		})
	}
	return func() {
		for _, stop := range stops {
			stop()
		}
	}
}
