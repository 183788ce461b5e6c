package eval_test

import (
	"testing"

	"github.com/cairn-nix/cairn/eval"
	"github.com/cairn-nix/cairn/internal/goldentest"
)

// TestGoldens runs testdata/lang/*.nix against real Nix's recorded outputs.
func TestGoldens(t *testing.T) {
	goldentest.Run(t, func(s eval.Settings) (*eval.Evaluator, error) { return eval.New(nil, s), nil })
}
