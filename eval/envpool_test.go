package eval

import "testing"

// Released environments are poisoned here instead of reused, so any value
// still reaching one after its call returned makes the evaluation panic:
// each case stresses a way a call can keep its environment.
func TestReleasedEnvironmentsAreNotReached(t *testing.T) {
	poisonReleasedEnvs = true
	defer func() { poisonReleasedEnvs = false }()
	for _, c := range []struct{ src, want string }{
		{`let f = x: y: x; g = f 1; in [ (g 2) (g 3) ]`, `[ 1 1 ]`},
		{`let f = x: [ x (x + 1) ]; in map f [ 1 2 ]`, `[ [ 1 2 ] [ 2 3 ] ]`},
		{`let f = { a ? b, b ? 2 }: a; in [ (f { }) (f { b = 5; }) ]`, `[ 2 5 ]`},
		{`let f = n: if n < 1 then 0 else 1 + f (n - 1); in f 50`, `50`},
		{`let f = n: m: n - m; xs = map (f 10) [ 1 2 3 ]; in xs`, `[ 9 8 7 ]`},
		{`let f = n: { v = n - 1; }; in map (x: (f x).v) [ 1 2 ]`, `[ 0 1 ]`},
		{`let f = n: [ (n - 1) ]; t = { x = 3; }; in f t.x ++ f (t.x * 2)`, `[ 2 5 ]`},
		{`let f = a: b: { inherit a b; }; in builtins.attrValues (f 1 2)`, `[ 1 2 ]`},
		{`let f = s: with s; x; in f { x = 7; }`, `7`},
		{`let f = x: let y = x; in y; in f 4`, `4`},
		{`let f = x: rec { a = x; b = a; }; in (f 6).b`, `6`},
		{`let f = x: y: x - y; in builtins.sort (a: b: f a b < 0) [ 3 1 2 ]`, `[ 1 2 3 ]`},
		{`let f = x: "${toString x}!"; in map f [ 1 2 ]`, `[ "1!" "2!" ]`},
		{`let g = x: x; f = n: g (n - 1); in [ (f 3) (f (f 9)) ]`, `[ 2 7 ]`},
		{`let f = a: b: c: a - b - c; p = f 10; in [ (p 1 2) (p 3 4) ]`, `[ 7 3 ]`},
		{`builtins.foldl' (acc: x: acc ++ [ (x * 2) ]) [ ] [ 1 2 3 ]`, `[ 2 4 6 ]`},
		{`builtins.genList (i: { n = i - 1; }.n) 3`, `[ -1 0 1 ]`},
		// Arguments suspended for one call, released after it unless kept.
		{`let f = x: [ x ]; n = 2; in f (n - 1) ++ f (n * 3)`, `[ 1 6 ]`},
		{`let f = x: { a = x; inherit x; }; n = 2; in builtins.attrValues (f (n - 1))`, `[ 1 1 ]`},
		{`let f = x: builtins.seq x x; n = 5; in [ (f (n - 1)) (f (n * 2)) ]`, `[ 4 10 ]`},
		{`let f = x: x + 1; g = y: f (y * 2); in map g [ 1 2 ]`, `[ 3 5 ]`},
		{`let f = x: if x < 1 then 0 else x + f (x - 1); in f 10`, `55`},
		{`let f = x: x.a; in [ (f { a = 1; }) (f (builtins.listToAttrs [ { name = "a"; value = 2; } ])) ]`, `[ 1 2 ]`},
		{`let f = { a }: a; in f { a = 1; }`, `1`},
		{`let f = x: y: [ x y ]; n = 1; in f (n - 1) (n + 1)`, `[ 0 2 ]`},
		// Builtins calling one function many times refill its environments.
		{`builtins.foldl' (acc: x: acc ++ [ (x - 1) ]) [ ] (map (x: x) [ 1 2 3 ])`, `[ 0 1 2 ]`},
		{`builtins.foldl' (acc: x: acc ++ [ (x - 1) ]) [ ] [ 1 2 3 ]`, `[ 0 1 2 ]`},
		{`builtins.foldl' (acc: x: acc ++ [ x ]) [ ] (map (x: x * 2) [ 1 2 3 ])`, `[ 2 4 6 ]`},
		{`builtins.filter (x: x - 1 > 0) (map (x: x) [ 1 2 3 ])`, `[ 2 3 ]`},
		{`builtins.sort (a: b: a - b < 0) (map (x: 10 - x) [ 1 3 2 ])`, `[ 7 8 9 ]`},
		{`builtins.concatMap (x: [ x (x - 1) ]) (map (x: x) [ 5 7 ])`, `[ 5 4 7 6 ]`},
		{`builtins.partition (x: x > 1) [ 1 2 3 ]`, `{ right = [ 2 3 ]; wrong = [ 1 ]; }`},
		{`builtins.groupBy (x: if x > 1 then "big" else "small") [ 1 2 3 ]`, `{ big = [ 2 3 ]; small = [ 1 ]; }`},
		{`builtins.all (x: builtins.filter (y: y == x) [ 1 2 ] == [ x ]) [ 1 2 ]`, `true`},
	} {
		ev, v, err := evalSource(t, c.src)
		if err == nil {
			err = ev.ForceDeep(v)
		}
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := ev.PrintValue(v, PrintOptions{}); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
}

// Values computed ahead of time still print as unevaluated until forced,
// as Nix prints its thunks (nix-instantiate --eval without --strict).
func TestEagerValuesPrintAsThunks(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`let x = 3; in { a = x - 1; b = 2 * 4; c = [ (x < 4) ]; }`, `{ a = <CODE>; b = <CODE>; c = <CODE>; }`},
		{`let f = x: { inherit x; y = x - 1; }; n = 4; in f (n - 1)`, `{ x = <CODE>; y = <CODE>; }`},
		{`let n = 4; l = [ (n - 1) ]; in builtins.seq (builtins.head l) l`, `[ 3 ]`},
	} {
		ev, v, err := evalSource(t, c.src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ev.PrintAmbiguous(v)
		if err != nil || got != c.want {
			t.Errorf("%s prints %s (%v), want %s", c.src, got, err, c.want)
		}
	}
}

// evalSource evaluates src (to weak head normal form) in a new evaluator.
func evalSource(t *testing.T, src string) (*Evaluator, Value, error) {
	t.Helper()
	ev := New(nil, Settings{})
	e, err := ev.ParseString(src, "/")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ev.Eval(e)
	return ev, v, err
}
