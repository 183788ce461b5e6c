package evalstore

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strings"

	"github.com/cairn-nix/cairn/derivation"
	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
	"github.com/cairn-nix/cairn/syntax"
)

// derivationStrict, which turns an attribute set into a .drv file and
// its output paths, and `derivation`, the Nix wrapper around it.

//go:embed derivation.nix
var derivationNix string

// derivationFile is the name Nix gives the wrapper in positions.
const derivationFile = eval.DerivationInternalFile

func init() {
	eval.Register(&eval.PrimOp{Name: "derivationStrict", Arity: 1, Fn: primDerivationStrict})
	eval.RegisterValue("derivation", func(ev *eval.Evaluator) eval.Value { return derivationValue(ev) })
}

// derivationValue evaluates the wrapper, as Nix does, with a newline in
// front (Nix embeds the file that way, so its lines are one further).
func derivationValue(ev *eval.Evaluator) eval.Value {
	e, err := ev.Parse([]byte("\n"+derivationNix), syntax.OriginPath, derivationFile, "/", nil)
	var v eval.Value
	if err == nil {
		v, err = ev.Eval(e)
	}
	if err != nil {
		return &eval.PrimOp{Name: "derivation", Arity: 1, Fn: func(*eval.Evaluator, syntax.Pos, []eval.Value) (eval.Value, error) {
			return nil, err
		}}
	}
	return v
}

var (
	symStructuredAttrs = syntax.Intern("__structuredAttrs")
	symIgnoreNulls     = syntax.Intern("__ignoreNulls")
	symDrvPath         = syntax.Intern("drvPath")
)

func primDerivationStrict(ev *eval.Evaluator, pos syntax.Pos, args []eval.Value) (eval.Value, error) {
	attrs, err := ev.ForceAttrs(args[0], pos, "while evaluating the argument passed to builtins.derivationStrict")
	if err != nil {
		return nil, err
	}
	nameAttr, ok := attrs.Get(symName)
	if !ok {
		return nil, ev.Errorf(eval.TypeErr, syntax.NoPos, "attribute 'name' missing").AddTrace(syntax.NoPos, "in the attrset passed as argument to builtins.derivationStrict")
	}
	name, err := ev.ForceStringNoCtx(nameAttr.Value, pos, "while evaluating the `name` attribute passed to builtins.derivationStrict")
	if err != nil {
		return nil, asErr(ev, err).AddTrace(nameAttr.Pos, "while evaluating the derivation attribute 'name'")
	}
	v, err := ioOf(ev).derivationStrict(ev, name, attrs)
	if err != nil {
		// Nix names the position as text, so no code is shown.
		where := "«none»:0"
		if nameAttr.Pos.IsValid() {
			where = ev.FileSet().Position(nameAttr.Pos).String()
		}
		return nil, asErr(ev, err).AddTracef(syntax.NoPos, "while evaluating derivation '%s'\n  whose name attribute is located at %s", name, where)
	}
	return v, nil
}

// requireFeature fails unless an experimental feature is enabled.
func requireFeature(ev *eval.Evaluator, feature, reason string) error {
	if ev.Settings.Features[feature] {
		return nil
	}
	if reason != "" {
		reason = " (" + reason + ")"
	}
	return ev.Errorf(eval.EvalErr, syntax.NoPos, "experimental Nix feature '%s' is disabled%s; add '--extra-experimental-features %s' to enable it", feature, reason, feature)
}

// drvBuilder collects what derivationStrict reads from the attributes.
type drvBuilder struct {
	ev   *eval.Evaluator
	name string
	d    *derivation.Derivation
	ctx  eval.Context

	contentAddressed, impure bool
	outputHash               *string
	outputHashAlgo           nixhash.Algorithm
	method                   storepath.Method // 0 when not given
	outputs                  []string         // in the order given
}

func (b *drvBuilder) handleHashMode(s string) error {
	if s == "recursive" {
		b.method = storepath.NAR
	} else {
		m, err := storepath.ParseMethod(s)
		if err != nil {
			return b.ev.Errorf(eval.EvalErr, syntax.NoPos, "invalid value '%s' for 'outputHashMode' attribute", s)
		}
		b.method = m
	}
	switch b.method {
	case storepath.Text:
		return requireFeature(b.ev, "dynamic-derivations", "text-hashed derivation '"+b.name+"', outputHashMode = \"text\"")
	case storepath.Git:
		return requireFeature(b.ev, "git-hashing", "")
	}
	return nil
}

func (b *drvBuilder) handleOutputs(names []string) error {
	b.outputs = b.outputs[:0]
	for _, n := range names {
		if slices.Contains(b.outputs, n) {
			return b.ev.Errorf(eval.EvalErr, syntax.NoPos, "duplicate derivation output '%s'", n)
		}
		// The result set already has an attribute drvPath.
		if n == "drvPath" {
			return b.ev.Errorf(eval.EvalErr, syntax.NoPos, "invalid derivation output name 'drvPath'")
		}
		b.outputs = append(b.outputs, n)
	}
	if len(b.outputs) == 0 {
		return b.ev.Errorf(eval.EvalErr, syntax.NoPos, "derivation cannot have an empty set of outputs")
	}
	return nil
}

// hashAlgoOpt is Nix's parseHashAlgoOpt: unknown names are no algorithm.
func hashAlgoOpt(s string) nixhash.Algorithm {
	a, err := nixhash.ParseAlgorithm(s)
	if err != nil {
		return 0
	}
	return a
}

// structuredWarnings are the attributes structured attributes ignore.
var structuredWarnings = map[string]bool{
	"allowedReferences": true, "allowedRequisites": true, "disallowedReferences": true,
	"disallowedRequisites": true, "maxSize": true, "maxClosureSize": true,
}

// attr processes one attribute (Nix's loop body in derivationStrict).
func (b *drvBuilder) attr(key string, at eval.Attr, structured, ignoreNulls bool, jsonObj map[string]any) error {
	ev := b.ev
	if ignoreNulls {
		v, err := ev.Force(at.Value, syntax.NoPos)
		if err != nil {
			return err
		}
		if _, isNull := v.(eval.Null); isNull {
			return nil
		}
	}
	switch key {
	case "__contentAddressed", "__impure":
		on, err := ev.ForceBool(at.Value, syntax.NoPos, "")
		if err != nil || !on {
			return err
		}
		if key == "__contentAddressed" {
			b.contentAddressed = true
			return requireFeature(ev, "ca-derivations", "")
		}
		b.impure = true
		return requireFeature(ev, "impure-derivations", "")
	case "args":
		l, err := ev.ForceList(at.Value, syntax.NoPos, "")
		if err != nil {
			return err
		}
		for _, el := range l.Elems {
			s, c, err := ev.CoerceToString(syntax.NoPos, el, "while evaluating an element of the argument list", true, true)
			if err != nil {
				return err
			}
			b.ctx = b.ctx.Union(c)
			b.d.Args = append(b.d.Args, s)
		}
		return nil
	}
	if !structured {
		s, c, err := ev.CoerceToString(syntax.NoPos, at.Value, "", true, true)
		if err != nil {
			return err
		}
		b.ctx = b.ctx.Union(c)
		if key == derivation.StructuredAttrsVar {
			warn(ev, "In derivation '%s': setting structured attributes via '__json' is deprecated, and may be disallowed in future versions of Nix. Set '__structuredAttrs = true' instead.", b.name)
			if err := checkJSONObject(s); err != nil {
				return ev.Errorf(eval.EvalErr, syntax.NoPos, "cannot process __json attribute: %s", err)
			}
			b.d.Env[key] = s
			return nil
		}
		b.d.Env[key] = s
		switch key {
		case "builder":
			b.d.Builder = s
		case "system":
			b.d.Platform = s
		case "outputHash":
			b.outputHash = &s
		case "outputHashAlgo":
			b.outputHashAlgo = hashAlgoOpt(s)
		case "outputHashMode":
			return b.handleHashMode(s)
		case "outputs":
			return b.handleOutputs(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }))
		}
		return nil
	}
	if at.Name == symStructuredAttrs {
		return nil
	}
	j, err := ev.JSONWithContext(at.Value, syntax.NoPos, &b.ctx)
	if err != nil {
		return err
	}
	jsonObj[key] = json.RawMessage(j)
	switch key {
	case "builder":
		s, err := ev.ForceString(at.Value, syntax.NoPos, "")
		if err != nil {
			return err
		}
		b.ctx = b.ctx.Union(s.Ctx())
		b.d.Builder = s.S
	case "system", "outputHash", "outputHashAlgo", "outputHashMode":
		s, err := ev.ForceStringNoCtx(at.Value, syntax.NoPos, "")
		if err != nil {
			return err
		}
		switch key {
		case "system":
			b.d.Platform = s
		case "outputHash":
			b.outputHash = &s
		case "outputHashAlgo":
			b.outputHashAlgo = hashAlgoOpt(s)
		case "outputHashMode":
			if err := b.handleHashMode(s); err != nil {
				return err
			}
		}
	case "outputs":
		l, err := ev.ForceList(at.Value, syntax.NoPos, "")
		if err != nil {
			return err
		}
		var names []string
		for _, el := range l.Elems {
			s, err := ev.ForceStringNoCtx(el, syntax.NoPos, "")
			if err != nil {
				return err
			}
			names = append(names, s)
		}
		if err := b.handleOutputs(names); err != nil {
			return err
		}
	}
	if structuredWarnings[key] {
		warn(ev, "In a derivation named '%s', 'structuredAttrs' disables the effect of the derivation attribute '%s'; use 'outputChecks.<output>.%s' instead", b.name, key, key)
	}
	return nil
}

// checkJSONObject checks __json as Nix's StructuredAttrs::parse does.
func checkJSONObject(s string) error {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return err
	}
	kind := "object"
	switch v.(type) {
	case nil:
		kind = "null"
	case bool:
		kind = "boolean"
	case float64:
		kind = "number"
	case string:
		kind = "string"
	case []any:
		kind = "array"
	}
	if kind != "object" {
		return &nlohmannError{"[json.exception.type_error.302] type must be object, but is " + kind}
	}
	return nil
}

type nlohmannError struct{ msg string }

func (e *nlohmannError) Error() string { return e.msg }

func (g *IO) derivationStrict(ev *eval.Evaluator, name string, attrs *eval.Attrs) (eval.Value, error) {
	if err := storepath.ValidateName(name); err != nil {
		return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "invalid derivation name: %s. Please pass a different '%s'.", err.Error(), "name")
	}
	structured, ignoreNulls := false, false
	if at, ok := attrs.Get(symStructuredAttrs); ok {
		on, err := ev.ForceBool(at.Value, syntax.NoPos, "while evaluating the `__structuredAttrs` attribute passed to builtins.derivationStrict")
		if err != nil {
			return nil, err
		}
		structured = on
	}
	if at, ok := attrs.Get(symIgnoreNulls); ok {
		on, err := ev.ForceBool(at.Value, syntax.NoPos, "while evaluating the `__ignoreNulls` attribute passed to builtins.derivationStrict")
		if err != nil {
			return nil, err
		}
		ignoreNulls = on
	}

	s := g.getScratch()
	defer g.putScratch(s)
	b := &s.b
	*b = drvBuilder{ev: ev, name: name, outputs: append(b.outputs[:0], "out"), d: &s.d}
	b.d.Name = name
	var jsonObj map[string]any
	if structured {
		jsonObj = map[string]any{}
	}
	// Nix's order: by name.
	for _, at := range attrs.All() {
		s.attrs = append(s.attrs, namedAttr{at.Name.String(), at})
	}
	slices.SortFunc(s.attrs, func(x, y namedAttr) int { return strings.Compare(x.name, y.name) })
	for _, na := range s.attrs {
		at := na.Attr
		if at.Name == symIgnoreNulls {
			continue
		}
		if err := b.attr(na.name, at, structured, ignoreNulls, jsonObj); err != nil {
			return nil, asErr(ev, err).AddTracef(at.Pos, "while evaluating attribute '%s' of derivation '%s'", at.Name, name)
		}
	}
	d := b.d
	if structured {
		text, err := json.Marshal(jsonObj)
		if err != nil {
			return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "JSON serialization error: %s", err)
		}
		d.Env[derivation.StructuredAttrsVar] = string(text)
	}

	if err := g.addInputs(ev, s, b.ctx); err != nil {
		return nil, err
	}

	if d.Builder == "" {
		return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "required attribute 'builder' missing")
	}
	if d.Platform == "" {
		return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "required attribute 'system' missing")
	}
	if strings.HasSuffix(name, storepath.DrvExtension) && !(b.method == storepath.Text && len(b.outputs) == 1 && b.outputs[0] == "out") {
		return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "derivation names are allowed to end in '%s' only if they produce a single derivation file", storepath.DrvExtension)
	}

	var input derivation.HashModulo // d's HashInput, if found on the way
	switch {
	case b.outputHash != nil:
		// Fixed-output derivations are content-addressed already, so
		// __contentAddressed does not matter.
		if len(b.outputs) != 1 || b.outputs[0] != "out" {
			return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "multiple outputs are not supported in fixed-output derivations")
		}
		h, err := parseHashAllowEmpty(ev, *b.outputHash, b.outputHashAlgo)
		if err != nil {
			return nil, err
		}
		method := b.method
		if method == 0 {
			method = storepath.Flat
		}
		p, err := g.dir.MakePathFromCA(name, storepath.ContentAddress{Method: method, Hash: h}, storepath.References{})
		if err != nil {
			return nil, g.wrap(ev, err)
		}
		d.Outputs["out"] = derivation.Output{Kind: derivation.CAFixed, Path: p, Method: method, HashAlgo: h.Algo(), Hash: h}
		d.Env["out"] = g.dir.Print(p)
	case b.contentAddressed || b.impure:
		if b.contentAddressed && b.impure {
			return nil, ev.Errorf(eval.EvalErr, syntax.NoPos, "derivation cannot be both content-addressed and impure")
		}
		algo := b.outputHashAlgo
		if algo == 0 {
			algo = nixhash.SHA256
		}
		method := b.method
		if method == 0 {
			method = storepath.NAR
		}
		kind := derivation.CAFloating
		if b.impure {
			kind = derivation.Impure
		}
		for _, o := range b.outputs {
			d.Env[o] = eval.HashPlaceholder(o)
			d.Outputs[o] = derivation.Output{Kind: kind, Method: method, HashAlgo: algo}
		}
	default:
		// Output paths come from a hash of the derivation with them
		// blank, so that the set of output names is part of the hash.
		for _, o := range b.outputs {
			d.Env[o] = ""
			d.Outputs[o] = derivation.Output{Kind: derivation.Deferred}
		}
		// This also canonicalizes d and prints its ATerm.
		var err error
		if s.text, input, err = g.hasher.Instantiate(d, s.text[:0]); err != nil {
			return nil, g.wrap(ev, err)
		}
	}
	if input.Kind == 0 {
		if err := d.Canonicalize(); err != nil {
			return nil, g.wrap(ev, err)
		}
		text, err := d.AppendATerm(s.text[:0], g.dir)
		if err != nil {
			return nil, g.wrap(ev, err)
		}
		s.text = text
	}
	drvPath, err := g.writeDerivation(s)
	if err != nil {
		return nil, g.wrap(ev, err)
	}
	// Dependent derivations need only d's hash modulo; d itself is kept
	// (a copy: d is scratch) only if that cannot be computed now, for the
	// error to come when d is used, as before.
	if input.Kind != 0 {
		g.hasher.Memoize(drvPath, input)
	} else if err := g.hasher.Remember(drvPath, d); err != nil {
		g.drvs[drvPath] = d.Clone()
	}

	// The context element "=<path>" and the path are one string.
	s.text = g.dir.AppendPrint(append(s.text[:0], '='), drvPath)
	eq := string(s.text)
	full := eq[1:]
	names := append(s.names[:0], b.outputs...)
	slices.Sort(names)
	s.names = names
	// The one-element contexts of the results share an array, each
	// capped so that nothing appends into the next.
	ctxs := make([]string, 1+len(names))
	ctxs[0] = eq
	res := eval.NewAttrsBuilder(1+len(names)).SetSym(symDrvPath, eval.StrCtx(full, ctxs[0:1:1]), syntax.NoPos)
	for i, o := range names {
		str, err := g.outputString(ev, d, drvPath, o)
		if err != nil {
			return nil, err
		}
		ctxs[i+1] = "!" + o + "!" + full
		res.Set(o, eval.StrCtx(str, ctxs[i+1:i+2:i+2]))
	}
	return res.Build(), nil
}
