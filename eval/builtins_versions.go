package eval

import (
	"strconv"

	"github.com/cairn-nix/cairn/syntax"
)

// Version builtins: parseDrvName, compareVersions and splitVersion, with
// the version ordering of `nix-env -u`.

func init() {
	Register(&PrimOp{Name: "parseDrvName", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.parseDrvName")
		if err != nil {
			return nil, err
		}
		name, version := ParseDrvName(s)
		return NewAttrsBuilder(2).Set("name", Str(name)).Set("version", Str(version)).Build(), nil
	}})
	Register(&PrimOp{Name: "compareVersions", Arity: 2, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		v1, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.compareVersions")
		if err != nil {
			return nil, err
		}
		v2, err := ev.forceStringNoCtx(args[1], pos, "while evaluating the second argument passed to builtins.compareVersions")
		if err != nil {
			return nil, err
		}
		return Int(CompareVersions(v1, v2)), nil
	}})
	Register(&PrimOp{Name: "splitVersion", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		s, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.splitVersion")
		if err != nil {
			return nil, err
		}
		var out []Value
		for rest := s; ; {
			var c string
			c, rest = nextVersionComponent(rest)
			if c == "" {
				break
			}
			out = append(out, Str(c))
		}
		return NewList(out), nil
	}})
}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

func isASCIIAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// ParseDrvName splits "name-version" at the first dash not followed by a
// letter.
func ParseDrvName(s string) (name, version string) {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '-' && !isASCIIAlpha(s[i+1]) {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// nextVersionComponent skips separators ('.' and '-') and returns the
// next run of digits or of other characters, and what follows it.
func nextVersionComponent(s string) (string, string) {
	i := 0
	for i < len(s) && (s[i] == '.' || s[i] == '-') {
		i++
	}
	s = s[i:]
	if s == "" {
		return "", ""
	}
	j := 0
	if isASCIIDigit(s[0]) {
		for j < len(s) && isASCIIDigit(s[j]) {
			j++
		}
	} else {
		for j < len(s) && !isASCIIDigit(s[j]) && s[j] != '.' && s[j] != '-' {
			j++
		}
	}
	return s[:j], s[j:]
}

// versionNumber parses a component as a C int; one too large is not a
// number, as in Nix.
func versionNumber(c string) (int64, bool) {
	n, err := strconv.ParseInt(c, 10, 32)
	return n, err == nil && c != "" && isASCIIDigit(c[0])
}

func versionComponentLess(c1, c2 string) bool {
	n1, ok1 := versionNumber(c1)
	n2, ok2 := versionNumber(c2)
	switch {
	case ok1 && ok2:
		return n1 < n2
	case c1 == "" && ok2:
		return true
	case c1 == "pre" && c2 != "pre":
		return true
	case c2 == "pre":
		return false
	case ok2: // 2.3a < 2.3.1
		return true
	case ok1:
		return false
	}
	return c1 < c2
}

// CompareVersions returns -1, 0 or 1 as v1 is older than, the same as, or
// newer than v2.
func CompareVersions(v1, v2 string) int {
	for v1 != "" || v2 != "" {
		var c1, c2 string
		c1, v1 = nextVersionComponent(v1)
		c2, v2 = nextVersionComponent(v2)
		if versionComponentLess(c1, c2) {
			return -1
		}
		if versionComponentLess(c2, c1) {
			return 1
		}
	}
	return 0
}
