package eval

import "testing"

// Fuzz targets for the hand-written parsers behind match/split, fromJSON
// and fromTOML: whatever the input, they must return a value or an
// error, never panic.

func FuzzRegex(f *testing.F) {
	for _, s := range []string{"(a)|(ab)", "a*(ab)?", "[[:alpha:]_][[:alnum:]_]*", "[]a]+", "a{2,3}", "(|a)*", "[[.hyphen.]]", "\\.", "(.*)-(.*)", "^a$"} {
		f.Add(s, "xaabx-ab")
	}
	f.Fuzz(func(t *testing.T, re, s string) {
		// Like Nix's, the matcher backtracks: nested or many repetitions
		// take exponential time, which is not what this target is for.
		quantifiers := 0
		for i := 0; i < len(re); i++ {
			switch re[i] {
			case '*', '+', '?', '{':
				quantifiers++
				if i > 0 && (re[i-1] == ')' || re[i-1] == '*' || re[i-1] == '+' || re[i-1] == '?' || re[i-1] == '}') {
					return
				}
			}
		}
		if len(re) > 24 || len(s) > 24 || quantifiers > 3 {
			return
		}
		prog, err := compileRegex(re)
		if err != nil {
			return
		}
		if m, ok := regexMatch(prog, s); ok && len(m) != prog.nsub {
			t.Fatalf("%q: %d groups, want %d", re, len(m), prog.nsub)
		}
		for _, m := range regexFindAll(prog, s) {
			if m[0].first > m[0].second || m[0].second > len(s) {
				t.Fatalf("%q on %q: bad match %v", re, s, m[0])
			}
		}
	})
}

func FuzzFromJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,true,null,"x\u00e9"]}`, `[1,]`, `"\ud800"`, "\xef\xbb\xbf[]", `18446744073709551616`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parseJSON(s)
	})
}

func FuzzFromTOML(f *testing.F) {
	for _, s := range []string{"a = 1\n[b]\nc = [1, {d = 2}]\n[[e]]\n", "a = \"\"\"\nx\\\n  y\"\"\"", "a = 1979-05-27T07:32:00Z", "a = [\n1,\n2\n]\na = 1", "[x.y]\n[x]\ny.z = 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if root, msg := parseTOML(s); msg == "" {
			tomlToNix(root, true)
		}
	})
}
