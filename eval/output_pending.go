package eval

// ToJSON and ToXML print a value as `--json` and `--xml` do. They are
// being written with builtins.toJSON/toXML; until then they say so.

// ToJSON returns v as JSON.
func (ev *Evaluator) ToJSON(v Value, strict bool) (string, error) {
	return "", ev.Errorf(EvalErr, 0, "--json output is not implemented in Cairn yet")
}

// ToXML returns v as Nix's XML.
func (ev *Evaluator) ToXML(v Value, strict, location bool) (string, error) {
	return "", ev.Errorf(EvalErr, 0, "--xml output is not implemented in Cairn yet")
}
