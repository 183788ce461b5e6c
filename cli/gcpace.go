package cli

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Evaluation is a short-lived process that mostly allocates data it keeps
// (the values of the expression being evaluated). Go's collector lets the
// heap grow to (1+GOGC/100) times what was live after the last collection:
// a high GOGC is cheap while the heap is small but, once the evaluation
// holds a lot, the headroom is what decides the peak memory. So the
// percentage follows the live heap: up to 3x while the goal stays under
// gcGoalBytes, then whatever keeps the goal there, and never less than
// 1.5x.
const (
	gcGoalBytes  = 144 << 20
	gcMaxPercent = 200
	gcMinPercent = 50
	// gcFirstPercent lets the first collection wait for 16 MiB (Go's
	// minimum heap is 4 MiB at 100%): small evaluations never collect.
	gcFirstPercent = 400
)

// gcPercentFor is the GOGC for a live heap of live bytes.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return gcMaxPercent
	}
	p := int(100*gcGoalBytes/live) - 100
	return min(max(p, gcMinPercent), gcMaxPercent)
}

// paceGC sets GOGC after every collection from the live heap. It runs as
// a finalizer: one object is dropped per cycle and re-armed when the
// collector finds it.
func paceGC() {
	debug.SetGCPercent(gcFirstPercent)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	current := gcFirstPercent
	var rearm func(*gcTick)
	rearm = func(*gcTick) {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			if p := gcPercentFor(sample[0].Value.Uint64()); p != current {
				current = p
				debug.SetGCPercent(p)
			}
		}
		runtime.SetFinalizer(&gcTick{}, rearm)
	}
	runtime.SetFinalizer(&gcTick{}, rearm)
}

// gcTick is the object whose finalizer marks a collection; not zero-sized,
// so that it is a real allocation.
type gcTick struct{ _ [16]byte }
