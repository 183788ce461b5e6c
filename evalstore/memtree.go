package evalstore

import (
	"bytes"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// Fetched trees are built in memory (from Git, or an unpacked archive),
// then written as a NAR to the store, or, in read-only mode, served at
// their store path from memory (IO.mounts).

// memNode is a file system object held in memory: a file, an
// executable, a symlink or a directory (modes as Git writes them).
type memNode struct {
	mode     filemode.FileMode
	data     []byte
	children map[string]*memNode
}

func (n *memNode) child(name string) *memNode {
	c, ok := n.children[name]
	if !ok {
		c = &memNode{mode: filemode.Dir, children: map[string]*memNode{}}
		n.children[name] = c
	}
	return c
}

// add puts a file at the slash-separated path p.
func (n *memNode) add(p string, mode filemode.FileMode, data []byte) {
	parts := strings.Split(p, "/")
	for _, d := range parts[:len(parts)-1] {
		n = n.child(d)
	}
	n.children[parts[len(parts)-1]] = &memNode{mode: mode, data: data}
}

// typeName is the node's type as readDir says it.
func (n *memNode) typeName() string {
	switch n.mode {
	case filemode.Dir:
		return "directory"
	case filemode.Symlink:
		return "symlink"
	}
	return "regular"
}

// writeNAR writes the node as a NAR, entries in name order.
func (n *memNode) writeNAR(nw *nar.Writer, path string) error {
	switch n.mode {
	case filemode.Dir:
		if err := nw.WriteHeader(&nar.Header{Path: path, Type: nar.TypeDirectory}); err != nil {
			return err
		}
		names := make([]string, 0, len(n.children))
		for name := range n.children {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if err := n.children[name].writeNAR(nw, strings.TrimSuffix(path, "/")+"/"+name); err != nil {
				return err
			}
		}
		return nil
	case filemode.Symlink:
		return nw.WriteHeader(&nar.Header{Path: path, Type: nar.TypeSymlink, LinkTarget: string(n.data)})
	}
	if err := nw.WriteHeader(&nar.Header{Path: path, Type: nar.TypeRegular, Executable: n.mode == filemode.Executable, Size: int64(len(n.data))}); err != nil {
		return err
	}
	_, err := nw.Write(n.data)
	return err
}

// nar is the node's NAR.
func (n *memNode) nar() ([]byte, error) {
	var buf bytes.Buffer
	nw := nar.NewWriter(&buf)
	if err := n.writeNAR(nw, "/"); err != nil {
		return nil, err
	}
	if err := nw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// narHash is the sha256 of the node's NAR.
func (n *memNode) narHash() (nixhash.Hash, error) {
	data, err := n.nar()
	if err != nil {
		return nixhash.Hash{}, err
	}
	return nixhash.Sum(nixhash.SHA256, data), nil
}

// storeTree puts a fetched tree in the store under name, ingested with
// method (NAR, or Flat for a single file) and hash h: added to a writable
// store, served from memory otherwise.
func (g *IO) storeTree(name string, root *memNode, method storepath.Method, h nixhash.Hash) (storepath.StorePath, error) {
	sp, err := g.dir.MakeFixedOutputPath(name, method, h, storepath.References{})
	if err != nil {
		return sp, err
	}
	if !g.readOnly && g.store != nil {
		data := root.data
		if method == storepath.NAR {
			if data, err = root.nar(); err != nil {
				return sp, err
			}
		}
		_, err = g.store.AddDump(bytes.NewReader(data), name, method, nixhash.SHA256, nil)
		return sp, err
	}
	if g.mounts == nil {
		g.mounts = map[storepath.StorePath]*memNode{}
	}
	g.mounts[sp] = root
	return sp, nil
}

// storeInput stores a fetched input's tree as Nix does: its NAR hash
// checked against the narHash asked for (a mismatch is reported through
// fail, as a hash mismatch), named by the name attribute or "source".
// It returns the store path, allowed to restricted evaluation, and the
// attribute set builder with outPath and narHash set.
func (g *IO) storeInput(ev *eval.Evaluator, root *memNode, attrs map[string]any, input string, fail func(string, ...any) error) (*eval.AttrsBuilder, error) {
	h, err := root.narHash()
	if err != nil {
		return nil, g.wrap(ev, err)
	}
	if want, _ := attrs["narHash"].(string); want != "" {
		wh, err := nixhash.ParseAny(want, nixhash.SHA256)
		if err != nil {
			return nil, fail("%s", err.Error())
		}
		if wh != h {
			e := fail("NAR hash mismatch in input '%s', expected '%s' but got '%s'", input, wh.SRI(), h.SRI()).(*eval.Error)
			e.Kind = eval.HashMismatchErr
			return nil, e
		}
	}
	name := "source"
	if n, ok := attrs["name"].(string); ok {
		name = n
	}
	sp, err := g.storeTree(name, root, storepath.NAR, h)
	if err != nil {
		return nil, g.wrap(ev, err)
	}
	full := g.dir.Print(sp)
	ev.AllowPath(full)
	b := eval.NewAttrsBuilder(10)
	b.Set("outPath", eval.StrCtx(full, eval.Context{full}))
	b.Set("narHash", eval.Str(h.SRI()))
	return b, nil
}
