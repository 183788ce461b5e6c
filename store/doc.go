// Package store is Cairn's local Nix store: a store directory (default
// /nix/store) and a state directory (default /nix/var/nix) laid out as
// Nix 2.34 lays them out, so that real Nix and Cairn can share one store.
//
// It owns:
//   - the metadata database, db/db.sqlite in Nix's own schema (ValidPaths,
//     Refs, DerivationOutputs, Realisations) with the db/schema version
//     file, opened through modernc.org/sqlite (pure Go);
//   - adding store objects atomically (written under a temporary name in
//     the store, canonicalised, renamed into place, then registered in one
//     transaction) from a directory or file, from text, or from a NAR;
//   - queries (validity, references, referrers, derivers, closures), the
//     validity registration format of --dump-db/--load-db and the
//     nix-store --export format;
//   - Nix's lock protocols: per-path "<path>.lock" files, the big lock,
//     gc.lock, temporary roots and the GC's roots socket (flock(2) locks,
//     as Nix takes them);
//   - garbage collection (roots from gcroots/, profiles/, temporary roots
//     and a /proc scan of running processes) and verification.
//
// Where evaluation needs a store it uses the Adder interface: Local writes
// objects, Computer only computes their paths (Nix's read-only mode).
//
// It builds on nar, nixhash, storepath, derivation and narinfo, and must
// never import eval, evalstore or cli.
package store
