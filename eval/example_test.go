package eval_test

import (
	"fmt"

	"github.com/cairn-nix/cairn/eval"
)

// Embedding the evaluator: evaluate a string and read an attribute.
func Example() {
	ev := eval.New(nil, eval.Settings{})
	expr, err := ev.ParseString(`
		let hosts = { nas.cores = 4; pi.cores = 4; router.cores = 2; };
		in { total = builtins.foldl' (n: h: n + hosts.${h}.cores) 0 (builtins.attrNames hosts); }
	`, "/")
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := ev.Eval(expr)
	if err != nil {
		fmt.Println(err)
		return
	}
	attrs, err := ev.ForceAttrs(v, 0, "reading the result")
	if err != nil {
		fmt.Println(err)
		return
	}
	total, _ := attrs.GetStr("total")
	n, err := ev.ForceInt(total.Value, 0, "reading total")
	fmt.Println(n, err)
	// Output: 10 <nil>
}
