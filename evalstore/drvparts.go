package evalstore

import (
	"slices"
	"strings"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
	"github.com/cairn-nix/cairn/syntax"
)

// The parts of derivationStrict around the attributes: the scratch it
// builds in, its inputs from the string context, writing the .drv file,
// and the strings of its outputs.

// drvScratch is what one derivationStrict builds in. Nothing keeps the
// derivation once its paths are known, so its maps and slices are
// reused by the next call; calls nest (an attribute's value may
// instantiate another derivation), so IO keeps one per depth.
type drvScratch struct {
	b     drvBuilder
	d     derivation.Derivation
	attrs []namedAttr
	names []string
	srcs  []storepath.StorePath // room for d.InputSrcs
	want  []wantedInput
	refs  []storepath.StorePath
	text  []byte
}

// namedAttr is an attribute with its name, looked up once for sorting.
type namedAttr struct {
	name string
	eval.Attr
}

func (g *IO) getScratch() *drvScratch {
	if n := len(g.scratch); n > 0 {
		s := g.scratch[n-1]
		g.scratch = g.scratch[:n-1]
		return s
	}
	return &drvScratch{d: derivation.Derivation{Env: map[string]string{}, Outputs: map[string]derivation.Output{}}}
}

// putScratch empties s for reuse, dropping what it refers to.
func (g *IO) putScratch(s *drvScratch) {
	d := &s.d
	if cap(d.InputSrcs) > cap(s.srcs) {
		s.srcs = d.InputSrcs[:0]
	}
	clear(d.Env)
	clear(d.Outputs)
	clear(d.Args)
	*d = derivation.Derivation{Env: d.Env, Outputs: d.Outputs, InputDrvs: d.InputDrvs[:0], Args: d.Args[:0]}
	clear(s.attrs)
	s.attrs = s.attrs[:0]
	s.b = drvBuilder{outputs: s.b.outputs[:0]}
	g.scratch = append(g.scratch, s)
}

// writeDerivation computes the .drv path of s.d (canonical already),
// whose ATerm is s.text, and, unless read-only, writes it.
func (g *IO) writeDerivation(s *drvScratch) (storepath.StorePath, error) {
	d, text := &s.d, s.text
	// The references, merged in order from the two sorted lists, so
	// that the path computation need not sort a copy.
	refs, srcs := s.refs[:0], d.InputSrcs
	for _, in := range d.InputDrvs {
		for len(srcs) > 0 && storepath.Compare(srcs[0], in.Path) < 0 {
			refs, srcs = append(refs, srcs[0]), srcs[1:]
		}
		refs = append(refs, in.Path)
	}
	refs = append(refs, srcs...)
	s.refs = refs
	name := d.Name + storepath.DrvExtension
	if g.readOnly || g.store == nil {
		return g.dir.MakeTextPath(name, nixhash.Sum(nixhash.SHA256, text), refs)
	}
	return g.addText(name, string(text), slices.Clone(refs))
}

// outputString is an output's path, or for an output whose path is not
// known yet (content-addressed, or deferred) Nix's placeholder for it.
func (g *IO) outputString(ev *eval.Evaluator, d *derivation.Derivation, drvPath storepath.StorePath, output string) (string, error) {
	p, ok, err := d.OutputPath(g.dir, output)
	if err != nil {
		return "", g.wrap(ev, err)
	}
	if ok {
		// The output's variable holds the path already (Nix's checks
		// made sure): share its string rather than print another.
		var buf [256]byte
		if v := d.Env[output]; string(g.dir.AppendPrint(buf[:0], p)) == v {
			return v, nil
		}
		return g.dir.Print(p), nil
	}
	if err := requireFeature(ev, "ca-derivations", ""); err != nil {
		return "", err
	}
	text := "nix-upstream-output:" + drvPath.HashPart() + ":" + storepath.OutputPathName(d.Name, output)
	return "/" + nixhash.SumString(nixhash.SHA256, text).Encode(nixhash.Nix32), nil
}

// wantedInput is an input derivation output that a context asks for.
type wantedInput struct {
	path storepath.StorePath
	out  string
	any  bool // out names an output (a closure's drv may have none)
}

// addInputs turns the string context of the attributes into the inputs
// of s.d: plain paths are input sources, derivation outputs input
// derivations, and a whole derivation ("=" elements, from drvPath) brings
// its whole closure, as sources and with all outputs.
func (g *IO) addInputs(ev *eval.Evaluator, s *drvScratch, ctx eval.Context) error {
	// The result does not depend on the order of the elements, only
	// which error comes first does: Nix's order is only needed then.
	if err := g.gatherInputs(ev, s, ctx); err != nil {
		if err2 := g.gatherInputs(ev, s, eval.SortContextNixOrder(ctx)); err2 != nil {
			return err2
		}
		return err
	}
	d := &s.d
	// Gathered as lists, then sorted and merged: cheaper than sets for
	// the few elements a context has.
	srcs, drvs := s.srcs, s.want
	slices.SortFunc(srcs, storepath.Compare)
	d.InputSrcs = slices.Compact(srcs)
	slices.SortFunc(drvs, func(a, b wantedInput) int {
		if c := storepath.Compare(a.path, b.path); c != 0 {
			return c
		}
		return strings.Compare(a.out, b.out)
	})
	ins := d.InputDrvs[:0]
	for i, w := range drvs {
		if i == 0 || w.path != drvs[i-1].path {
			// Reuse the room of an earlier derivation's entry.
			var outs []string
			if n := len(ins); n < cap(ins) {
				outs = ins[:n+1][n].Outputs[:0]
			}
			ins = append(ins, derivation.InputDrv{Path: w.path, OutputSet: derivation.OutputSet{Outputs: outs}})
		}
		in := &ins[len(ins)-1]
		if w.any && (len(in.Outputs) == 0 || in.Outputs[len(in.Outputs)-1] != w.out) {
			in.Outputs = append(in.Outputs, w.out)
		}
	}
	d.InputDrvs = ins
	clear(drvs) // drops the strings
	if len(d.InputSrcs) == 0 {
		s.srcs, d.InputSrcs = d.InputSrcs, nil
	}
	return nil
}

// gatherInputs lists the sources and derivation outputs of the context
// elems into s.srcs and s.want, in the elements' order.
func (g *IO) gatherInputs(ev *eval.Evaluator, s *drvScratch, elems []string) error {
	srcs, drvs := s.srcs[:0], s.want[:0]
	defer func() { s.srcs, s.want = srcs, drvs }()
	for _, e := range elems {
		full := eval.ContextStorePath(e)
		sp, err := g.dir.Parse(full)
		if err != nil {
			return g.wrap(ev, err)
		}
		switch {
		case strings.HasPrefix(e, "="):
			closure, err := g.closure(ev, sp)
			if err != nil {
				return err
			}
			for _, p := range closure {
				srcs = append(srcs, p)
				if p.IsDerivation() {
					in, err := g.readDerivation(p)
					if err != nil {
						return g.wrap(ev, err)
					}
					drvs = append(drvs, wantedInput{path: p})
					for _, o := range in.OutputNames() {
						drvs = append(drvs, wantedInput{path: p, out: o, any: true})
					}
				}
			}
		case strings.HasPrefix(e, "!"):
			drvs = append(drvs, wantedInput{path: sp, out: e[1 : strings.IndexByte(e[1:], '!')+1], any: true})
		default:
			srcs = append(srcs, sp)
		}
	}
	return nil
}

// closure is the store's closure of p (Nix's computeFSClosure), which
// needs p to be valid: in read-only mode a derivation instantiated in
// the same evaluation is not.
func (g *IO) closure(ev *eval.Evaluator, p storepath.StorePath) ([]storepath.StorePath, error) {
	seen := map[storepath.StorePath]bool{p: true}
	todo := []storepath.StorePath{p}
	var out []storepath.StorePath
	for len(todo) > 0 {
		cur := todo[0]
		todo = todo[1:]
		if !g.isValid(cur) {
			return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "path '%s' is not valid", g.dir.Print(cur))
		}
		out = append(out, cur)
		refs, err := g.store.References(cur)
		if err != nil {
			return nil, g.wrap(ev, err)
		}
		for _, r := range refs {
			if !seen[r] {
				seen[r] = true
				todo = append(todo, r)
			}
		}
	}
	return out, nil
}
