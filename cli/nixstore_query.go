package cli

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

// nix-store --query and its helpers.

var queryTypes = map[string]string{
	"--outputs": "outputs", "--requisites": "requisites", "-R": "requisites", "--references": "references",
	"--referrers": "referrers", "--referers": "referrers", "--referrers-closure": "referrers-closure",
	"--referers-closure": "referrers-closure", "--deriver": "deriver", "-d": "deriver",
	"--valid-derivers": "valid-derivers", "--binding": "binding", "-b": "binding", "--hash": "hash",
	"--size": "size", "--tree": "tree", "--graph": "graph", "--graphml": "graphml", "--resolve": "resolve",
	"--roots": "roots",
}

func (c *nixStoreCmd) opQuery(env *Env, s *store.Local) error {
	query := ""
	useOutput, includeOutputs, forceRealise := false, false, false
	bindingName := ""
	for _, f := range c.flags {
		prev := query
		if q, ok := queryTypes[f]; ok {
			query = q
			if q == "binding" {
				if len(c.args) == 0 {
					return &usageError{"expected binding name"}
				}
				bindingName, c.args = c.args[0], c.args[1:]
			}
		} else {
			switch f {
			case "--use-output", "-u":
				useOutput = true
			case "--force-realise", "--force-realize", "-f":
				forceRealise = true
			case "--include-outputs":
				includeOutputs = true
			default:
				return &usageError{fmt.Sprintf("unknown flag '%s'", f)}
			}
		}
		if prev != "" && prev != query {
			return &usageError{fmt.Sprintf("query type '%s' conflicts with earlier flag", f)}
		}
	}
	if query == "" {
		query = "outputs"
	}
	if forceRealise {
		return fmt.Errorf("'nix-store --query --force-realise' needs building, which Cairn cannot do yet")
	}
	paths, err := c.storePaths(s)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	maybeOutputs := func(p storepath.StorePath, use bool) ([]storepath.StorePath, error) {
		if !use || !p.IsDerivation() {
			return []storepath.StorePath{p}, nil
		}
		return drvOutputPaths(s, p)
	}
	printSorted := func(set []storepath.StorePath) error {
		sorted, err := s.TopoSort(set)
		if err != nil {
			return err
		}
		for i := len(sorted) - 1; i >= 0; i-- {
			fmt.Fprintln(w, s.PrintPath(sorted[i]))
		}
		return nil
	}
	switch query {
	case "outputs":
		for _, p := range paths {
			outs, err := maybeOutputs(p, true)
			if err != nil {
				return err
			}
			for _, o := range outs {
				fmt.Fprintln(w, s.PrintPath(o))
			}
		}
	case "requisites", "references", "referrers", "referrers-closure":
		var set []storepath.StorePath
		for _, p := range paths {
			ps, err := maybeOutputs(p, useOutput)
			if err != nil {
				return err
			}
			for _, j := range ps {
				var more []storepath.StorePath
				switch query {
				case "requisites":
					more, err = s.Closure([]storepath.StorePath{j}, false, includeOutputs, false)
				case "references":
					more, err = s.References(j)
				case "referrers":
					more, err = s.Referrers(j)
				default:
					more, err = s.Closure([]storepath.StorePath{j}, true, false, false)
				}
				if err != nil {
					return err
				}
				set = append(set, more...)
			}
		}
		return printSorted(dedup(set))
	case "deriver":
		for _, p := range paths {
			info, err := s.PathInfo(p)
			if err != nil {
				return err
			}
			if info.Deriver.IsZero() {
				fmt.Fprintln(w, "unknown-deriver")
			} else {
				fmt.Fprintln(w, s.PrintPath(info.Deriver))
			}
		}
	case "valid-derivers":
		var set []storepath.StorePath
		for _, p := range paths {
			ds, err := s.ValidDerivers(p)
			if err != nil {
				return err
			}
			set = append(set, ds...)
		}
		return printSorted(dedup(set))
	case "binding":
		for _, p := range paths {
			drvPath := p
			if !p.IsDerivation() {
				info, err := s.PathInfo(p)
				if err != nil {
					return err
				}
				if info.Deriver.IsZero() {
					return fmt.Errorf("deriver of path '%s' is not known", s.PrintPath(p))
				}
				drvPath = info.Deriver
			}
			d, err := s.ReadDerivation(drvPath)
			if err != nil {
				return err
			}
			v, ok := d.Env[bindingName]
			if !ok {
				return fmt.Errorf("derivation '%s' has no environment binding named '%s'", s.PrintPath(drvPath), bindingName)
			}
			fmt.Fprintln(w, v)
		}
	case "hash", "size":
		for _, p := range paths {
			ps, err := maybeOutputs(p, useOutput)
			if err != nil {
				return err
			}
			for _, j := range ps {
				info, err := s.PathInfo(j)
				if err != nil {
					return err
				}
				if query == "hash" {
					fmt.Fprintln(w, info.NarHash.Format(nixhash.Nix32, true))
				} else {
					fmt.Fprintln(w, info.NarSize)
				}
			}
		}
	case "tree":
		done := map[storepath.StorePath]bool{}
		for _, p := range paths {
			if err := printTree(w, s, p, "", "", done); err != nil {
				return err
			}
		}
	case "graph":
		var roots []storepath.StorePath
		for _, p := range paths {
			ps, err := maybeOutputs(p, useOutput)
			if err != nil {
				return err
			}
			roots = append(roots, ps...)
		}
		return printDotGraph(w, s, roots)
	case "resolve":
		for _, p := range paths {
			fmt.Fprintln(w, s.PrintPath(p))
		}
	case "roots":
		var args []storepath.StorePath
		for _, p := range paths {
			ps, err := maybeOutputs(p, useOutput)
			if err != nil {
				return err
			}
			args = append(args, ps...)
		}
		cfg := s.Config()
		referrers, err := s.Closure(args, true, cfg.KeepOutputs, cfg.KeepDerivations)
		if err != nil {
			return err
		}
		roots, err := s.FindRoots(false, func(string, ...any) {})
		if err != nil {
			return err
		}
		in := map[storepath.StorePath]bool{}
		for _, r := range referrers {
			in[r] = true
		}
		printRootLinks(w, s, roots, in)
	default:
		return fmt.Errorf("'nix-store --query --%s' is not implemented in Cairn yet", query)
	}
	return nil
}

// printRootLinks prints "link -> path" for each root (limited to the
// paths in only, when given), sorted by link then path, as Nix does.
func printRootLinks(w io.Writer, s *store.Local, roots store.Roots, only map[storepath.StorePath]bool) {
	type pair struct{ link, path string }
	var pairs []pair
	for p, links := range roots {
		if only != nil && !only[p] {
			continue
		}
		for _, l := range links {
			pairs = append(pairs, pair{l, s.PrintPath(p)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].link != pairs[j].link {
			return pairs[i].link < pairs[j].link
		}
		return pairs[i].path < pairs[j].path
	})
	for _, pr := range pairs {
		fmt.Fprintf(w, "%s -> %s\n", pr.link, pr.path)
	}
}

// drvOutputPaths returns the output paths of a derivation as recorded in
// it (Nix's outputsAndOptPaths); floating outputs have none yet.
func drvOutputPaths(s *store.Local, drv storepath.StorePath) ([]storepath.StorePath, error) {
	d, err := s.ReadDerivation(drv)
	if err != nil {
		return nil, err
	}
	var out []storepath.StorePath
	for _, name := range d.OutputNames() {
		p, ok, err := d.OutputPath(s.Dir(), name)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &usageError{"Cannot use output path of floating content-addressing derivation until we know what it is (e.g. by building it)"}
		}
		out = append(out, p)
	}
	slices.SortFunc(out, storepath.Compare)
	return out, nil
}

func dedup(ps []storepath.StorePath) []storepath.StorePath {
	slices.SortFunc(ps, storepath.Compare)
	return slices.CompactFunc(ps, func(a, b storepath.StorePath) bool { return a == b })
}

const (
	treeConn = "├───"
	treeLast = "└───"
	treeLine = "│   "
	treeNull = "    "
)

// printTree prints a path and its references as a tree, each path's
// references topologically sorted (dependencies last, which keeps the
// tree flat), and a path seen before marked "[...]".
func printTree(w io.Writer, s *store.Local, p storepath.StorePath, firstPad, tailPad string, done map[storepath.StorePath]bool) error {
	if done[p] {
		fmt.Fprintf(w, "%s%s [...]\n", firstPad, s.PrintPath(p))
		return nil
	}
	done[p] = true
	fmt.Fprintf(w, "%s%s\n", firstPad, s.PrintPath(p))
	refs, err := s.References(p)
	if err != nil {
		return err
	}
	sorted, err := s.TopoSort(refs)
	if err != nil {
		return err
	}
	slices.Reverse(sorted)
	for i, r := range sorted {
		last := i+1 == len(sorted)
		first, tail := tailPad+treeConn, tailPad+treeLine
		if last {
			first, tail = tailPad+treeLast, tailPad+treeNull
		}
		if err := printTree(w, s, r, first, tail, done); err != nil {
			return err
		}
	}
	return nil
}

var graphColours = []string{"black", "red", "green", "blue", "magenta", "burlywood"}

// printDotGraph prints the reference graph below roots in Graphviz form,
// as Nix's printDotGraph does (edges point from a reference to its
// referrer, coloured in turn).
func printDotGraph(w io.Writer, s *store.Local, roots []storepath.StorePath) error {
	work := map[storepath.StorePath]bool{}
	for _, r := range roots {
		work[r] = true
	}
	done := map[storepath.StorePath]bool{}
	colour := 0
	fmt.Fprint(w, "digraph G {\n")
	for len(work) > 0 {
		// Nix takes the least path of its ordered work set each time.
		var p storepath.StorePath
		first := true
		for q := range work {
			if first || storepath.Compare(q, p) < 0 {
				p, first = q, false
			}
		}
		delete(work, p)
		if done[p] {
			continue
		}
		done[p] = true
		fmt.Fprintf(w, "\"%s\" [label = \"%s\", shape = box, style = filled, fillcolor = \"#ff0000\"];\n", p, p.Name())
		refs, err := s.References(p)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if r == p {
				continue
			}
			work[r] = true
			fmt.Fprintf(w, "\"%s\" -> \"%s\" [color = \"%s\"];\n", r, p, graphColours[colour%len(graphColours)])
			colour++
		}
	}
	fmt.Fprint(w, "}\n")
	return nil
}

// flushWriter buffers large outputs such as NARs.
type flushWriter struct{ *bufio.Writer }

func newFlushWriter(w io.Writer) flushWriter { return flushWriter{bufio.NewWriterSize(w, 1<<16)} }
