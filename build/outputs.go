package build

import (
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/nar"
	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/store"
	"github.com/cairn-nix/cairn/storepath"
)

func sortPaths(ps []storepath.StorePath) {
	sort.Slice(ps, func(i, j int) bool { return storepath.Compare(ps[i], ps[j]) < 0 })
}

// registerOutputs turns what the builder left into valid store objects:
// each output is canonicalised, checked against its declared hash (fixed
// outputs), scanned for references to the inputs and the outputs, checked
// against the derivation's output checks, moved into place and then all
// are registered in one transaction. Nothing is registered if a check
// fails.
func (b *Builder) registerOutputs(j *job) error {
	g := j.g
	drvName := b.st.PrintPath(g.drvPath)
	cands := append([]storepath.StorePath(nil), j.inputs...)
	for _, op := range g.outputs {
		cands = append(cands, op)
	}
	var infos []*narinfo.PathInfo
	locs := map[storepath.StorePath]string{}
	for _, name := range g.drv.OutputNames() {
		out := g.outputs[name]
		loc := b.outputLocation(j, name)
		if _, err := os.Lstat(loc); err != nil {
			return &Error{Drv: drvName, Kind: failBuild, Msg: fmt.Sprintf(
				"Cannot build '%s'.\nReason: builder failed to produce output path for output '%s' at '%s'.",
				drvName, name, b.st.PrintPath(out))}
		}
		if err := store.Canonicalise(loc); err != nil {
			return err
		}
		info := &narinfo.PathInfo{StorePath: out, Deriver: g.drvPath, Ultimate: true}
		h := nixhash.NewHasher(nixhash.SHA256)
		scan := newRefScanner(cands)
		if err := nar.DumpPath(io.MultiWriter(h, scan), loc); err != nil {
			return fmt.Errorf("serialising output '%s': %w", b.st.PrintPath(out), err)
		}
		info.NarHash, info.NarSize = h.Sum(), uint64(h.Count())
		info.References = scan.refs()
		if o := g.drv.Outputs[name]; o.Kind == derivation.CAFixed {
			if err := b.checkFixed(drvName, o, loc, info); err != nil {
				return err
			}
		}
		infos = append(infos, info)
		locs[out] = loc
	}
	if err := b.checkOutputs(j, infos); err != nil {
		return err
	}
	if g.check {
		for _, info := range infos {
			old, err := b.st.PathInfo(info.StorePath)
			if err != nil {
				return err
			}
			if old.NarHash != info.NarHash {
				return &Error{Drv: drvName, Kind: failCheckMismatch, Msg: fmt.Sprintf(
					"derivation '%s' may not be deterministic: output '%s' differs",
					drvName, b.st.PrintPath(info.StorePath))}
			}
		}
		return nil
	}
	if j.sandboxed || g.drv.IsBuiltin() {
		for _, info := range infos {
			if err := b.st.MoveIntoPlace(locs[info.StorePath], info.StorePath); err != nil {
				return err
			}
		}
		// The chroot goes before the outputs become valid: a process
		// killed before that leaves unregistered outputs, whose next
		// build removes the chroot under the same locks.
		if err := store.DeletePath(j.chroot); err != nil {
			return err
		}
	}
	return b.st.RegisterValidPaths(infos)
}

// checkFixed compares a fixed output with its declared hash.
func (b *Builder) checkFixed(drvName string, o derivation.Output, loc string, info *narinfo.PathInfo) error {
	var got nixhash.Hash
	switch o.Method {
	case storepath.NAR:
		if o.HashAlgo == nixhash.SHA256 {
			got = info.NarHash
		} else {
			h := nixhash.NewHasher(o.HashAlgo)
			if err := nar.DumpPath(h, loc); err != nil {
				return err
			}
			got = h.Sum()
		}
	default:
		fi, err := os.Lstat(loc)
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return &Error{Drv: drvName, Kind: failHashMismatch, Msg: fmt.Sprintf(
				"output path '%s' should be a non-executable regular file since recursive hashing is not enabled (one of outputHashMode={flat,text} is true)", loc)}
		}
		f, err := os.Open(loc)
		if err != nil {
			return err
		}
		got, _, err = nixhash.SumReader(o.HashAlgo, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	if got != o.Hash {
		return &Error{Drv: drvName, Kind: failHashMismatch, Msg: fmt.Sprintf(
			"hash mismatch in fixed-output derivation '%s':\n  specified: %s\n     got:    %s",
			drvName, o.Hash.SRI(), got.SRI())}
	}
	if len(info.References) > 0 {
		return &Error{Drv: drvName, Kind: failHashMismatch, Msg: fmt.Sprintf(
			"fixed-output derivations must not reference store paths: '%s' references %d distinct paths, e.g. '%s'",
			drvName, len(info.References), b.st.PrintPath(info.References[0]))}
	}
	info.CA = o.ContentAddress()
	return nil
}
