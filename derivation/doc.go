// Package derivation owns Nix's derivation formats: the Derivation value,
// the .drv ATerm text (a parser that accepts what Nix accepts and a
// printer that writes what Nix writes), the JSON form printed by
// `nix derivation show`, the "hash modulo" that input-addressed output
// paths are computed from, those output paths and the .drv path itself,
// and the placeholders that stand for paths not known yet.
//
// It may import the store-format packages nixbase32, nixhash and
// storepath, and the standard library. It must never import eval, store,
// build or cli: reading input derivations from a store is the caller's
// job, passed in as a function (see Hasher).
package derivation
