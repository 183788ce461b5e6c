package eval

// ToXML prints a value as `--xml` does. It is being written with
// builtins.toXML; until then it says so.

// ToXML returns v as Nix's XML.
func (ev *Evaluator) ToXML(v Value, strict, location bool) (string, error) {
	return "", ev.Errorf(EvalErr, 0, "--xml output is not implemented in Cairn yet")
}
