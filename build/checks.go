package build

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/narinfo"
	"github.com/cairn-nix/cairn/storepath"
)

// outputChecks are the restrictions a derivation puts on one output.
type outputChecks struct {
	allowedRefs, allowedReqs, disallowedRefs, disallowedReqs *[]string
	maxSize, maxClosureSize                                  *uint64
	ignoreSelfRefs                                           bool
}

// checksFor reads the checks of output name: from outputChecks.<name>
// with structured attributes, else from the plain environment variables,
// which apply to every output.
func checksFor(drv *derivation.Derivation, name string) (outputChecks, bool, error) {
	var c outputChecks
	js, structured := drv.Env[derivation.StructuredAttrsVar]
	if !structured {
		get := func(k string) *[]string {
			v, ok := drv.Env[k]
			if !ok {
				return nil
			}
			f := strings.Fields(v)
			return &f
		}
		c.allowedRefs, c.allowedReqs = get("allowedReferences"), get("allowedRequisites")
		c.disallowedRefs, c.disallowedReqs = get("disallowedReferences"), get("disallowedRequisites")
		return c, false, nil
	}
	var attrs struct {
		OutputChecks            map[string]json.RawMessage `json:"outputChecks"`
		UnsafeDiscardReferences map[string]bool            `json:"unsafeDiscardReferences"`
	}
	if err := json.Unmarshal([]byte(js), &attrs); err != nil {
		return c, false, fmt.Errorf("reading the output checks: %w", err)
	}
	discard := attrs.UnsafeDiscardReferences[name]
	raw, ok := attrs.OutputChecks[name]
	if !ok {
		return c, discard, nil
	}
	var oc struct {
		AllowedReferences    *[]string `json:"allowedReferences"`
		AllowedRequisites    *[]string `json:"allowedRequisites"`
		DisallowedReferences *[]string `json:"disallowedReferences"`
		DisallowedRequisites *[]string `json:"disallowedRequisites"`
		MaxSize              *uint64   `json:"maxSize"`
		MaxClosureSize       *uint64   `json:"maxClosureSize"`
		IgnoreSelfRefs       bool      `json:"ignoreSelfRefs"`
	}
	if err := json.Unmarshal(raw, &oc); err != nil {
		return c, false, fmt.Errorf("reading outputChecks.%s: %w", name, err)
	}
	c = outputChecks{oc.AllowedReferences, oc.AllowedRequisites, oc.DisallowedReferences, oc.DisallowedRequisites,
		oc.MaxSize, oc.MaxClosureSize, oc.IgnoreSelfRefs}
	return c, discard, nil
}

// checkOutputs applies each output's checks (Nix's checkOutputs).
func (b *Builder) checkOutputs(j *job, infos []*narinfo.PathInfo) error {
	g := j.g
	drvName := b.st.PrintPath(g.drvPath)
	byPath := map[storepath.StorePath]*narinfo.PathInfo{}
	for _, info := range infos {
		byPath[info.StorePath] = info
	}
	closure := func(p storepath.StorePath) (map[storepath.StorePath]bool, uint64, error) {
		done := map[storepath.StorePath]bool{}
		var size uint64
		todo := []storepath.StorePath{p}
		for len(todo) > 0 {
			q := todo[len(todo)-1]
			todo = todo[:len(todo)-1]
			if done[q] {
				continue
			}
			done[q] = true
			info, ok := byPath[q]
			if !ok {
				var err error
				if info, err = b.st.PathInfo(q); err != nil {
					return nil, 0, err
				}
			}
			size += info.NarSize
			todo = append(todo, info.References...)
		}
		return done, size, nil
	}
	reject := func(format string, a ...any) error {
		return &Error{Drv: drvName, Kind: failOther, Msg: fmt.Sprintf(format, a...)}
	}
	for _, info := range infos {
		name := ""
		for n, op := range g.outputs {
			if op == info.StorePath {
				name = n
			}
		}
		c, discard, err := checksFor(g.drv, name)
		if err != nil {
			return err
		}
		if discard {
			info.References = nil
		}
		if c.maxSize != nil && info.NarSize > *c.maxSize {
			return reject("path '%s' is too large at %d bytes; limit is %d bytes", b.st.PrintPath(info.StorePath), info.NarSize, *c.maxSize)
		}
		if c.maxClosureSize != nil {
			_, size, err := closure(info.StorePath)
			if err != nil {
				return err
			}
			if size > *c.maxClosureSize {
				return reject("closure of path '%s' is too large at %d bytes; limit is %d bytes", b.st.PrintPath(info.StorePath), size, *c.maxClosureSize)
			}
		}
		check := func(spec *[]string, allowed, recursive bool) error {
			if spec == nil {
				return nil
			}
			set := map[storepath.StorePath]bool{}
			for _, s := range *spec {
				if op, ok := g.outputs[s]; ok {
					set[op] = true
					continue
				}
				p, err := b.st.ParsePath(s)
				if err != nil {
					return reject("derivation '%s' output check for '%s' contains output name '%s', but this is not a valid output of this derivation. (Valid outputs are [%s].)",
						drvName, name, s, strings.Join(g.drv.OutputNames(), ", "))
				}
				set[p] = true
			}
			used := map[storepath.StorePath]bool{}
			if recursive {
				var err error
				if used, _, err = closure(info.StorePath); err != nil {
					return err
				}
				if c.ignoreSelfRefs {
					delete(used, info.StorePath)
				}
			} else {
				for _, r := range info.References {
					used[r] = true
				}
			}
			var bad []storepath.StorePath
			for p := range used {
				if set[p] != allowed {
					bad = append(bad, p)
				}
			}
			if len(bad) == 0 {
				return nil
			}
			sortPaths(bad)
			msg := ""
			for _, p := range bad {
				msg += "\n  " + b.st.PrintPath(p)
			}
			return reject("output '%s' is not allowed to refer to the following paths:%s", b.st.PrintPath(info.StorePath), msg)
		}
		for _, k := range []struct {
			spec               *[]string
			allowed, recursive bool
		}{{c.allowedRefs, true, false}, {c.allowedReqs, true, true}, {c.disallowedRefs, false, false}, {c.disallowedReqs, false, true}} {
			if err := check(k.spec, k.allowed, k.recursive); err != nil {
				return err
			}
		}
	}
	return nil
}
