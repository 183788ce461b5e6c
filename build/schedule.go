package build

import (
	"fmt"
	"sort"

	"github.com/cairn-nix/cairn/storepath"
)

// Run builds the derivations of a plan, at most MaxJobs at a time, each
// once all of its inputs are built. After a failure no new build starts
// unless KeepGoing is set; then only the failed derivation's dependents
// are given up.
func (b *Builder) Run(p *Plan) error {
	if len(p.goals) == 0 {
		return nil
	}
	if b.opts.MaxJobs <= 0 {
		return fmt.Errorf("unable to start any build; either increase '--max-jobs' or enable remote builds.")
	}
	ev := b.opts.Events
	ev.Planned(len(p.goals))
	var ready []*goal
	for _, g := range p.goals {
		if g.pending == 0 {
			ready = append(ready, g)
		}
	}
	type result struct {
		g   *goal
		err error
	}
	doneCh := make(chan result)
	running := 0
	stop := false
	var failed []*Error
	for {
		sortGoals(ready)
		for len(ready) > 0 && running < b.opts.MaxJobs && !stop {
			g := ready[0]
			ready = ready[1:]
			running++
			go func() {
				ev.Started(g.drvPath, b.st.PrintPath(g.drvPath))
				err := b.buildGoal(g)
				ev.Finished(g.drvPath, err)
				doneCh <- result{g, err}
			}()
		}
		if running == 0 {
			break
		}
		r := <-doneCh
		running--
		r.g.done = true
		if r.err != nil {
			be, ok := r.err.(*Error)
			if !ok {
				be = &Error{Drv: b.st.PrintPath(r.g.drvPath), Kind: failOther, Msg: r.err.Error()}
			}
			failed = append(failed, be)
			if !b.opts.KeepGoing {
				stop = true
				continue
			}
			b.giveUp(r.g, &failed)
			continue
		}
		for _, d := range r.g.dependents {
			d.pending--
			if d.pending == 0 && d.err == nil {
				ready = append(ready, d)
			}
		}
	}
	switch len(failed) {
	case 0:
		return nil
	case 1:
		return failed[0]
	}
	// Nix prints every failure but the last as it happens, then names
	// all failed derivations in the final error.
	var names []string
	for _, f := range failed {
		if f.Kind != failDependency {
			ev.Error(f.Msg)
		}
		names = append(names, f.Drv)
	}
	return &MultiError{Errors: failed, Msg: fmt.Sprintf("build of %s failed", quoteList(names))}
}

// giveUp fails the dependents of a failed goal, transitively.
func (b *Builder) giveUp(g *goal, failed *[]*Error) {
	if g.err == nil {
		g.err = fmt.Errorf("failed")
	}
	for _, d := range g.dependents {
		if d.err != nil || d.done {
			continue
		}
		n := 0
		for _, dep := range d.deps {
			if dep.err != nil || dep == g {
				n++
			}
		}
		d.err = &Error{Drv: b.st.PrintPath(d.drvPath), Kind: failDependency,
			Msg: fmt.Sprintf("Cannot build '%s'.\nReason: %d %s failed.", b.st.PrintPath(d.drvPath), n, plural(n, "dependency", "dependencies"))}
		*failed = append(*failed, d.err.(*Error))
		b.giveUp(d, failed)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func sortGoals(gs []*goal) {
	sort.Slice(gs, func(i, j int) bool { return storepath.Compare(gs[i].drvPath, gs[j].drvPath) < 0 })
}
