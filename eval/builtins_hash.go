package eval

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/syntax"
)

// Hash builtins: hashString, hashFile and convertHash.

var (
	symHash         = syntax.Intern("hash")
	symHashAlgo     = syntax.Intern("hashAlgo")
	symToHashFormat = syntax.Intern("toHashFormat")
)

func init() {
	Register(&PrimOp{Name: "hashString", Arity: 2, Fn: primHashString})
	Register(&PrimOp{Name: "hashFile", Arity: 2, Fn: primHashFile})
	Register(&PrimOp{Name: "convertHash", Arity: 1, Fn: primConvertHash})
}

// parseHashAlgo is Nix's parseHashAlgo: an unknown name is a usage
// error, and blake3 needs its experimental feature.
func (ev *Evaluator) parseHashAlgo(name string) (nixhash.Algorithm, error) {
	a, err := nixhash.ParseAlgorithm(name)
	if err != nil {
		return 0, ev.Errorf(UsageErr, syntax.NoPos, "%s", err.Error())
	}
	if a == nixhash.BLAKE3 && !ev.Settings.Features["blake3-hashes"] {
		return 0, ev.Errorf(EvalErr, syntax.NoPos, "experimental Nix feature 'blake3-hashes' is disabled; add '--extra-experimental-features blake3-hashes' to enable it")
	}
	return a, nil
}

func primHashString(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	name, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.hashString")
	if err != nil {
		return nil, err
	}
	algo, err := ev.parseHashAlgo(name)
	if err != nil {
		return nil, err
	}
	s, err := ev.ForceString(args[1], pos, "while evaluating the second argument passed to builtins.hashString")
	if err != nil {
		return nil, err
	}
	return Str(nixhash.SumString(algo, s.S).Format(nixhash.Base16, false)), nil
}

func primHashFile(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	name, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.hashFile")
	if err != nil {
		return nil, err
	}
	algo, err := ev.parseHashAlgo(name)
	if err != nil {
		return nil, err
	}
	p, err := ev.realiseFile(args[1], resolveFull)
	if err != nil {
		return nil, err
	}
	if err := ev.CheckAccess(p); err != nil {
		return nil, err
	}
	data, err := ev.readFile(p)
	if err != nil {
		switch {
		case notExist(err):
			return nil, ev.missingPath(p)
		case errors.Is(err, syscall.EISDIR):
			// Nix opens the directory, then fails to read its st_size bytes.
			return nil, ev.Errorf(IOErr, syntax.NoPos, "read of 4096 bytes: Is a directory")
		}
		return nil, ev.Errorf(IOErr, syntax.NoPos, "%s", sysErrorMessage("opening file '"+p+"'", err))
	}
	return Str(nixhash.Sum(algo, data).Format(nixhash.Base16, false)), nil
}

func primConvertHash(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
	attrs, err := ev.forceAttrs(args[0], pos, "while evaluating the first argument passed to builtins.convertHash")
	if err != nil {
		return nil, err
	}
	hashAttr, ok := attrs.Get(symHash)
	if !ok {
		return nil, ev.missingAttr(symHash, "while locating the attribute 'hash'")
	}
	hash, err := ev.forceStringNoCtx(hashAttr.Value, pos, "while evaluating the attribute 'hash'")
	if err != nil {
		return nil, err
	}
	var algo nixhash.Algorithm
	if a, ok := attrs.Get(symHashAlgo); ok {
		name, err := ev.forceStringNoCtx(a.Value, pos, "while evaluating the attribute 'hashAlgo'")
		if err != nil {
			return nil, err
		}
		if algo, err = ev.parseHashAlgo(name); err != nil {
			return nil, err
		}
	}
	fmtAttr, ok := attrs.Get(symToHashFormat)
	if !ok {
		return nil, ev.missingAttr(symToHashFormat, "while locating the attribute 'toHashFormat'")
	}
	fmtName, err := ev.forceStringNoCtx(fmtAttr.Value, pos, "while evaluating the attribute 'toHashFormat'")
	if err != nil {
		return nil, err
	}
	format, deprecated, err := nixhash.ParseFormat(fmtName)
	if err != nil {
		return nil, ev.Errorf(UsageErr, syntax.NoPos, "%s", err.Error())
	}
	if deprecated {
		ev.emitWarning(`warning: "base32" is a deprecated alias for hash format "nix32".`)
	}
	// The algorithm prefix is checked as Nix's parseHashAlgo does.
	prefix, _, ok := strings.Cut(hash, ":")
	if !ok {
		prefix, _, ok = strings.Cut(hash, "-")
	}
	if ok {
		if _, err := ev.parseHashAlgo(prefix); err != nil {
			return nil, err
		}
	}
	h, err := nixhash.ParseAny(hash, algo)
	if err != nil {
		return nil, ev.Errorf(EvalErr, syntax.NoPos, "%s", hashErrorMessage(err, hash, algo))
	}
	return Str(h.Format(format, format == nixhash.SRI)), nil
}

// hashErrorMessage words a hash parsing error as Nix does. Nix discards
// the reason a digest failed to decode and reports an empty digest
// instead ("length 0 != expected length N").
func hashErrorMessage(err error, hash string, algo nixhash.Algorithm) string {
	var he *nixhash.Error
	if !errors.As(err, &he) || he.Err == nil {
		return err.Error()
	}
	rest := hash
	if i := strings.IndexAny(hash, ":-"); i >= 0 {
		if a, err := nixhash.ParseAlgorithm(hash[:i]); err == nil {
			algo, rest = a, hash[i+1:]
		}
	}
	n := 0
	if strings.HasPrefix(he.Msg, "invalid nix32 hash") {
		n = nix32DecodedLen(rest)
	}
	return fmt.Sprintf("%s, length %d != expected length %d", he.Msg, n, algo.Size())
}

// nix32DecodedLen is the length of what Nix's Nix32 decoder returns: 0
// for a bad character, and for digits overflowing the last byte one
// more than the encoded length allows.
func nix32DecodedLen(s string) int {
	const alphabet = "0123456789abcdfghijklmnpqrsvwxyz"
	size := 0
	for n := 0; n < len(s); n++ {
		d := strings.IndexByte(alphabet, s[len(s)-n-1])
		if d < 0 {
			return 0
		}
		i, j := n*5/8, uint(n*5%8)
		size = i + 1
		if d>>(8-j) != 0 {
			size = i + 2
		}
	}
	return size
}
