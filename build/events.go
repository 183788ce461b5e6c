package build

import "github.com/cairn-nix/cairn/storepath"

// Events receive a realisation's progress. Calls may come from several
// goroutines at once.
type Events interface {
	// Planned says how many derivations will be built.
	Planned(n int)
	// Started: drv's builder is about to run; name is its full path.
	Started(drv storepath.StorePath, name string)
	// Log is one line of a builder's output.
	Log(drv storepath.StorePath, line string)
	// Finished: drv's build ended, with err nil on success.
	Finished(drv storepath.StorePath, err error)
	// Error is a failure reported before the final one (--keep-going).
	Error(msg string)
}

type nopEvents struct{}

func (nopEvents) Planned(int)                         {}
func (nopEvents) Started(storepath.StorePath, string) {}
func (nopEvents) Log(storepath.StorePath, string)     {}
func (nopEvents) Finished(storepath.StorePath, error) {}
func (nopEvents) Error(string)                        {}
