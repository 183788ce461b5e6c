package evalstore_test

import (
	"testing"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/evalstore"
	"github.com/cairn-nix/cairn/internal/goldentest"
)

// TestGoldens runs testdata/lang/*.nix, with the store builtins, against
// real Nix's recorded outputs (scripts/record-goldens evalstore/testdata/lang).
func TestGoldens(t *testing.T) {
	goldentest.Run(t, func(s eval.Settings) (*eval.Evaluator, error) {
		return evalstore.New(s, evalstore.Options{ReadOnly: true})
	})
}
