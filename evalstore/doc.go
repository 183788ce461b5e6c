// Package evalstore is the glue between the evaluator and the store
// formats (Tvix's "glue" beside its pure "eval"). It provides an eval.IO
// whose CopyToStore computes (and, given a writable Store, adds) the
// store path of a source path, and it registers the builtins that need a
// store: path, filterSource, toFile, storePath, placeholder,
// derivationStrict and derivation (Nix's derivation.nix wrapper), and the
// fetchers: local paths and local Git repositories (fetchgit.go, read
// with go-git) are fetched; anything needing the network is refused.
// Reading a path whose context names derivation outputs builds them
// through Options.Build (import from derivation).
//
// Paths and .drv files are computed exactly as Nix computes them, with
// the nar, storepath and derivation packages. In read-only mode
// (nix-instantiate --eval) nothing is written; with a Store that is not
// read-only, paths and derivations are added to it.
//
// It imports eval and the store-format packages; eval must never import
// it. Install or New wires it into an evaluator.
package evalstore
