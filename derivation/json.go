package derivation

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// JSONVersion is the version of the derivation JSON format written and
// read here (`nix derivation show`, Nix 2.33 and later).
const JSONVersion = 4

// JSONError is a malformed derivation JSON document; Key is the path to
// the offending value, e.g. "outputs.out".
type JSONError struct {
	Key string
	Msg string
}

func (e *JSONError) Error() string {
	if e.Key == "" {
		return "derivation JSON: " + e.Msg
	}
	return "derivation JSON: " + e.Key + ": " + e.Msg
}

func jsonErr(key, format string, args ...any) error {
	return &JSONError{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// jsonValue builds the output's JSON object.
func (o Output) jsonValue() map[string]any {
	m := map[string]any{}
	switch o.Kind {
	case InputAddressed:
		m["path"] = o.Path.String()
	case CAFixed:
		m["hash"] = o.Hash.SRI()
		m["method"] = o.Method.String()
	case CAFloating:
		m["hashAlgo"] = o.HashAlgo.String()
		m["method"] = o.Method.String()
	case Impure:
		m["hashAlgo"] = o.HashAlgo.String()
		m["impure"] = true
		m["method"] = o.Method.String()
	}
	return m
}

// JSON returns the output as Nix prints it: {"path": ...} for an
// input-addressed output, {"hash", "method"} for a fixed one,
// {"hashAlgo", "method"} for a floating one (plus "impure": true), and
// {} for a deferred one. Paths are base names.
func (o Output) JSON() []byte {
	return appendJSON(nil, o.jsonValue(), 2, 0)
}

func (s OutputSet) jsonValue() map[string]any {
	dyn := map[string]any{}
	for k, v := range s.DynamicOutputs {
		dyn[k] = v.jsonValue()
	}
	outs := make([]any, len(s.Outputs))
	for i, o := range sortStrings(s.Outputs) {
		outs[i] = o
	}
	return map[string]any{"outputs": outs, "dynamicOutputs": dyn}
}

// JSON returns the derivation in Nix's JSON form, version 4, indented
// as `nix derivation show` prints it (keys sorted, two spaces), with a
// final newline. Structured attributes appear as the "structuredAttrs"
// object rather than as "__json" in "env". Text that is not UTF-8 is an
// error, as in Nix.
func (d *Derivation) JSON() ([]byte, error) {
	v, err := d.jsonValue()
	if err != nil {
		return nil, err
	}
	return append(appendJSON(nil, v, 2, 0), '\n'), nil
}

// MarshalJSON gives the JSON form (compact), for embedding in other
// documents.
func (d *Derivation) MarshalJSON() ([]byte, error) {
	v, err := d.jsonValue()
	if err != nil {
		return nil, err
	}
	return appendJSON(nil, v, -1, 0), nil
}

// checkUTF8 refuses text JSON cannot carry, as Nix's JSON library does,
// rather than replace bytes and show a derivation that is not this one.
func (d *Derivation) checkUTF8() error {
	bad := func(key, s string) error {
		if utf8.ValidString(s) {
			return nil
		}
		return jsonErr(key, "%q is not valid UTF-8", s)
	}
	var set func(key string, s OutputSet) error
	set = func(key string, s OutputSet) error {
		for _, o := range s.Outputs {
			if err := bad(key+".outputs", o); err != nil {
				return err
			}
		}
		for k, v := range s.DynamicOutputs {
			if err := bad(key+".dynamicOutputs", k); err != nil {
				return err
			}
			if err := set(key+".dynamicOutputs."+k, v); err != nil {
				return err
			}
		}
		return nil
	}
	for _, kv := range [][2]string{{"name", d.Name}, {"system", d.Platform}, {"builder", d.Builder}} {
		if err := bad(kv[0], kv[1]); err != nil {
			return err
		}
	}
	for name := range d.Outputs {
		if err := bad("outputs", name); err != nil {
			return err
		}
	}
	for _, in := range d.InputDrvs {
		if err := set("inputs.drvs."+in.Path.String(), in.OutputSet); err != nil {
			return err
		}
	}
	for _, a := range d.Args {
		if err := bad("args", a); err != nil {
			return err
		}
	}
	for k, v := range d.Env {
		if err := bad("env", k); err != nil {
			return err
		}
		if err := bad("env."+k, v); err != nil {
			return err
		}
	}
	return nil
}

func (d *Derivation) jsonValue() (map[string]any, error) {
	if err := d.checkUTF8(); err != nil {
		return nil, err
	}
	outputs := map[string]any{}
	for name, o := range d.Outputs {
		outputs[name] = o.jsonValue()
	}
	drvs := map[string]any{}
	for _, in := range d.InputDrvs {
		drvs[in.Path.String()] = in.OutputSet.jsonValue()
	}
	srcs := make([]any, 0, len(d.InputSrcs))
	for _, p := range sortPaths(d.InputSrcs) {
		srcs = append(srcs, p.String())
	}
	args := make([]any, len(d.Args))
	for i, a := range d.Args {
		args[i] = a
	}
	env := map[string]any{}
	for k, v := range d.Env {
		if k != StructuredAttrsVar {
			env[k] = v
		}
	}
	m := map[string]any{
		"name":    d.Name,
		"version": JSONVersion,
		"outputs": outputs,
		"inputs":  map[string]any{"srcs": srcs, "drvs": drvs},
		"system":  d.Platform,
		"builder": d.Builder,
		"args":    args,
		"env":     env,
	}
	if js, ok := d.Env[StructuredAttrsVar]; ok {
		sa, err := parseJSONObject(js)
		if err != nil {
			return nil, fmt.Errorf("derivation %q: %s: %w", d.Name, StructuredAttrsVar, err)
		}
		m["structuredAttrs"] = sa
	}
	return m, nil
}

// ParseJSON reads Nix's JSON form of a derivation (version 4). Like Nix
// it ignores unknown keys and does not fill in or check output paths;
// see Hasher.FillInOutputPaths. Fixed output paths are computed for
// Output.Path, in store dir.
func ParseJSON(data []byte, dir storepath.Dir) (*Derivation, error) {
	v, err := parseJSON(string(data))
	if err != nil {
		return nil, jsonErr("", "%v", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, jsonErr("", "expected an object")
	}
	d := &Derivation{Outputs: map[string]Output{}, Env: map[string]string{}}
	if d.Name, err = getString(obj, "", "name"); err != nil {
		return nil, err
	}
	ver, ok := obj["version"]
	if !ok {
		return nil, jsonErr("version", "missing")
	}
	if n, isNum := ver.(json.Number); !isNum || string(n) != fmt.Sprint(JSONVersion) {
		return nil, jsonErr("version", "unsupported derivation JSON format version %v, only format version %d is currently supported", ver, JSONVersion)
	}

	outs, err := getObject(obj, "", "outputs")
	if err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(outs) {
		key := "outputs." + name
		ov, ok := outs[name].(map[string]any)
		if !ok {
			return nil, jsonErr(key, "expected an object")
		}
		o, err := parseOutputJSON(ov, key)
		if err != nil {
			return nil, err
		}
		if o.Kind == CAFixed {
			if o.Path, err = d.fixedPath(dir, name, o); err != nil {
				return nil, jsonErr(key, "%v", err)
			}
		}
		d.Outputs[name] = o
	}

	inputs, err := getObject(obj, "", "inputs")
	if err != nil {
		return nil, err
	}
	srcs, err := getArray(inputs, "inputs.", "srcs")
	if err != nil {
		return nil, err
	}
	for i, s := range srcs {
		p, err := baseNameJSON(s, fmt.Sprintf("inputs.srcs[%d]", i))
		if err != nil {
			return nil, err
		}
		d.InputSrcs = append(d.InputSrcs, p)
	}
	d.InputSrcs = sortPaths(d.InputSrcs)
	drvs, err := getObject(inputs, "inputs.", "drvs")
	if err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(drvs) {
		key := "inputs.drvs." + k
		p, err := baseNameJSON(k, key)
		if err != nil {
			return nil, err
		}
		set, err := outputSetJSON(drvs[k], key, 0)
		if err != nil {
			return nil, err
		}
		d.InputDrvs = append(d.InputDrvs, InputDrv{Path: p, OutputSet: set})
	}

	if d.Platform, err = getString(obj, "", "system"); err != nil {
		return nil, err
	}
	if d.Builder, err = getString(obj, "", "builder"); err != nil {
		return nil, err
	}
	args, err := getArray(obj, "", "args")
	if err != nil {
		return nil, err
	}
	for i, a := range args {
		s, ok := a.(string)
		if !ok {
			return nil, jsonErr(fmt.Sprintf("args[%d]", i), "expected a string")
		}
		d.Args = append(d.Args, s)
	}
	env, err := getObject(obj, "", "env")
	if err != nil {
		return nil, err
	}
	for k, v := range env {
		s, ok := v.(string)
		if !ok {
			return nil, jsonErr("env."+k, "expected a string")
		}
		if k == StructuredAttrsVar {
			return nil, jsonErr("env."+k, "cannot have an environment variable named '%s'; this key is reserved for encoding structured attrs", StructuredAttrsVar)
		}
		d.Env[k] = s
	}
	if sa, ok := obj["structuredAttrs"]; ok {
		m, isObj := sa.(map[string]any)
		if !isObj {
			return nil, jsonErr("structuredAttrs", "expected an object")
		}
		d.Env[StructuredAttrsVar] = string(appendJSON(nil, m, -1, 0))
	}
	return d, nil
}

// ParseOutputJSON reads one output's JSON form. A fixed output's Path is
// left zero, since it depends on the derivation's name.
func ParseOutputJSON(data []byte) (Output, error) {
	v, err := parseJSON(string(data))
	if err != nil {
		return Output{}, jsonErr("", "%v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return Output{}, jsonErr("", "expected an object")
	}
	return parseOutputJSON(m, "")
}

// parseOutputJSON tells the output kind by its exact key set, as Nix does.
func parseOutputJSON(m map[string]any, key string) (Output, error) {
	keys := strings.Join(sortedKeys(m), ",")
	methodAlgo := func() (storepath.Method, nixhash.Algorithm, error) {
		ms, err := getString(m, key+".", "method")
		if err != nil {
			return 0, 0, err
		}
		method, err := storepath.ParseMethod(ms)
		if err != nil {
			return 0, 0, jsonErr(key+".method", "%v", err)
		}
		as, err := getString(m, key+".", "hashAlgo")
		if err != nil {
			return 0, 0, err
		}
		algo, err := nixhash.ParseAlgorithm(as)
		if err != nil {
			return 0, 0, jsonErr(key+".hashAlgo", "%v", err)
		}
		return method, algo, nil
	}
	switch keys {
	case "path":
		s, err := getString(m, key+".", "path")
		if err != nil {
			return Output{}, err
		}
		p, err := baseNameJSON(s, key+".path")
		return Output{Kind: InputAddressed, Path: p}, err
	case "hash,method":
		ms, err := getString(m, key+".", "method")
		if err != nil {
			return Output{}, err
		}
		method, err := storepath.ParseMethod(ms)
		if err != nil {
			return Output{}, jsonErr(key+".method", "%v", err)
		}
		hs, err := getString(m, key+".", "hash")
		if err != nil {
			return Output{}, err
		}
		h, err := nixhash.ParseSRI(hs)
		if err != nil {
			return Output{}, jsonErr(key+".hash", "%v", err)
		}
		return Output{Kind: CAFixed, Method: method, HashAlgo: h.Algo(), Hash: h}, nil
	case "hashAlgo,method":
		method, algo, err := methodAlgo()
		return Output{Kind: CAFloating, Method: method, HashAlgo: algo}, err
	case "":
		return Output{Kind: Deferred}, nil
	case "hashAlgo,impure,method":
		method, algo, err := methodAlgo()
		return Output{Kind: Impure, Method: method, HashAlgo: algo}, err
	}
	return Output{}, jsonErr(key, "invalid JSON for derivation output (keys: %s)", keys)
}

// maxJSONDepth bounds dynamic output nesting, as in the ATerm parser.
const maxJSONDepth = 1000

func outputSetJSON(v any, key string, depth int) (OutputSet, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return OutputSet{}, jsonErr(key, "expected an object")
	}
	if depth >= maxJSONDepth {
		return OutputSet{}, jsonErr(key, "dynamic outputs nested too deeply")
	}
	outs, err := getArray(m, key+".", "outputs")
	if err != nil {
		return OutputSet{}, err
	}
	var set OutputSet
	for i, o := range outs {
		s, ok := o.(string)
		if !ok {
			return OutputSet{}, jsonErr(fmt.Sprintf("%s.outputs[%d]", key, i), "expected a string")
		}
		set.Outputs = append(set.Outputs, s)
	}
	set.Outputs = sortStrings(set.Outputs)
	dyn, err := getObject(m, key+".", "dynamicOutputs")
	if err != nil {
		return OutputSet{}, err
	}
	for k, cv := range dyn {
		child, err := outputSetJSON(cv, key+".dynamicOutputs."+k, depth+1)
		if err != nil {
			return OutputSet{}, err
		}
		if set.DynamicOutputs == nil {
			set.DynamicOutputs = map[string]OutputSet{}
		}
		set.DynamicOutputs[k] = child
	}
	return set, nil
}

func baseNameJSON(v any, key string) (storepath.StorePath, error) {
	s, ok := v.(string)
	if !ok {
		return storepath.StorePath{}, jsonErr(key, "expected a store path string")
	}
	p, err := storepath.ParseBaseName(s)
	if err != nil {
		return storepath.StorePath{}, jsonErr(key, "%v", err)
	}
	return p, nil
}

func getString(m map[string]any, prefix, k string) (string, error) {
	v, ok := m[k]
	if !ok {
		return "", jsonErr(prefix+k, "missing")
	}
	s, ok := v.(string)
	if !ok {
		return "", jsonErr(prefix+k, "expected a string")
	}
	return s, nil
}

func getObject(m map[string]any, prefix, k string) (map[string]any, error) {
	v, ok := m[k]
	if !ok {
		return nil, jsonErr(prefix+k, "missing")
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, jsonErr(prefix+k, "expected an object")
	}
	return o, nil
}

func getArray(m map[string]any, prefix, k string) ([]any, error) {
	v, ok := m[k]
	if !ok {
		return nil, jsonErr(prefix+k, "missing")
	}
	a, ok := v.([]any)
	if !ok {
		return nil, jsonErr(prefix+k, "expected an array")
	}
	return a, nil
}
