package eval

import (
	"encoding/json"
	"runtime"
	"time"
)

// StatsReport is what --stats and NIX_SHOW_STATS=1 print: the evaluator's
// counters (named as in Nix's report where one exists) and the Go
// runtime's allocation figures.
type StatsReport struct {
	CPUTime         float64 `json:"cpuTime"`
	NrThunks        int64   `json:"nrThunks"`
	NrThunksForced  int64   `json:"nrThunksForced"`
	NrFunctionCalls int64   `json:"nrFunctionCalls"`
	NrPrimOpCalls   int64   `json:"nrPrimOpCalls"`
	Sets            struct {
		Number int64 `json:"number"`
	} `json:"sets"`
	List struct {
		Number int64 `json:"number"`
	} `json:"list"`
	GC struct {
		Cycles         uint32 `json:"cycles"`
		TotalBytes     uint64 `json:"totalBytes"`
		HeapSize       uint64 `json:"heapSize"`
		TotalAllocated uint64 `json:"totalAllocations"`
	} `json:"gc"`
}

// Report gathers the statistics; elapsed is the evaluation's wall time.
func (ev *Evaluator) Report(elapsed time.Duration) StatsReport {
	var r StatsReport
	r.CPUTime = elapsed.Seconds()
	r.NrThunks = ev.Stats.Thunks
	r.NrThunksForced = ev.Stats.ThunksForced
	r.NrFunctionCalls = ev.Stats.Calls
	r.NrPrimOpCalls = ev.Stats.PrimOpCalls
	r.Sets.Number = ev.Stats.Attrsets
	r.List.Number = ev.Stats.Lists
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.GC.Cycles = ms.NumGC
	r.GC.TotalBytes = ms.TotalAlloc
	r.GC.HeapSize = ms.HeapSys
	r.GC.TotalAllocated = ms.Mallocs
	return r
}

// ReportJSON is Report as indented JSON.
func (ev *Evaluator) ReportJSON(elapsed time.Duration) string {
	b, _ := json.MarshalIndent(ev.Report(elapsed), "", "  ")
	return string(b)
}
