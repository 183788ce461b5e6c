package eval

import (
	"crypto/sha256"
	"os"
	"time"

	"github.com/cairn-nix/cairn/nixbase32"
	"github.com/cairn-nix/cairn/syntax"
)

// Miscellaneous builtins: the environment, versions and system, output
// placeholders, and the obsolete toPath.

// NixVersion is the Nix version Cairn's evaluator behaves as.
const NixVersion = "2.34.8"

func init() {
	Register(&PrimOp{Name: "getEnv", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		name, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.getEnv")
		if err != nil {
			return nil, err
		}
		if ev.Settings.PureEval || ev.Settings.RestrictEval {
			return emptyString, nil
		}
		return Str(os.Getenv(name)), nil
	}})
	RegisterValue("langVersion", func(ev *Evaluator) Value { return Int(6) })
	RegisterValue("nixVersion", func(ev *Evaluator) Value { return Str(NixVersion) })
	RegisterValue("storeDir", func(ev *Evaluator) Value { return Str(ev.Settings.StoreDir) })
	RegisterImpureValue("currentSystem", func(ev *Evaluator) Value { return Str(ev.Settings.CurrentSystem) })
	RegisterImpureValue("currentTime", func(ev *Evaluator) Value { return Int(time.Now().Unix()) })
	Register(&PrimOp{Name: "toPath", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		p, ctx, err := ev.CoerceToPath(pos, args[0], "while evaluating the first argument passed to builtins.toPath")
		if err != nil {
			return nil, err
		}
		return StrCtx(canonPath(p), ctx), nil
	}})
	Register(&PrimOp{Name: "placeholder", Arity: 1, Fn: func(ev *Evaluator, pos syntax.Pos, args []Value) (Value, error) {
		name, err := ev.forceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.placeholder")
		if err != nil {
			return nil, err
		}
		return Str(HashPlaceholder(name)), nil
	}})
}

// HashPlaceholder is the string standing for an output's path until it
// is known: "/" and the base-32 SHA-256 of "nix-output:<output>".
func HashPlaceholder(output string) string {
	sum := sha256.Sum256([]byte("nix-output:" + output))
	return "/" + nixbase32.EncodeToString(sum[:])
}
