package derivation

import (
	"strings"

	"github.com/cairn-nix/cairn/nixbase32"
	"github.com/cairn-nix/cairn/nixhash"
	"github.com/cairn-nix/cairn/storepath"
)

// Placeholders stand for store paths not known when a derivation is
// written. They are "/" and a nix32 sha256, so they look like paths and
// can be replaced by the real ones before building.

// HashPlaceholder is what `builtins.placeholder outputName` returns, and
// what a content-addressed derivation's own output variables hold: it is
// replaced by the output's path in the build.
func HashPlaceholder(outputName string) string {
	return "/" + nixhash.SumString(nixhash.SHA256, "nix-output:"+outputName).Encode(nixhash.Nix32)
}

// DownstreamPlaceholder stands for an output of an input derivation
// whose path is not known yet (a content-addressed or dynamic one).
type DownstreamPlaceholder struct {
	Hash nixhash.Hash
}

// String renders the placeholder as it appears in a derivation.
func (p DownstreamPlaceholder) String() string {
	return "/" + p.Hash.Encode(nixhash.Nix32)
}

// UnknownCAOutput is the placeholder for output outputName of the
// content-addressed derivation at drvPath.
func UnknownCAOutput(drvPath storepath.StorePath, outputName string) DownstreamPlaceholder {
	drvName := strings.TrimSuffix(drvPath.Name(), storepath.DrvExtension)
	clear := "nix-upstream-output:" + drvPath.HashPart() + ":" + storepath.OutputPathName(drvName, outputName)
	return DownstreamPlaceholder{Hash: nixhash.SumString(nixhash.SHA256, clear)}
}

// UnknownDerivation is the placeholder for output outputName of the
// derivation that is itself the output p stands for (dynamic
// derivations).
func UnknownDerivation(p DownstreamPlaceholder, outputName string) DownstreamPlaceholder {
	clear := "nix-computed-output:" + nixbase32.EncodeToString(p.Hash.Compress(storepath.DigestSize)) + ":" + outputName
	return DownstreamPlaceholder{Hash: nixhash.SumString(nixhash.SHA256, clear)}
}
