// Package store is Cairn's local Nix store: a store directory (default
// /nix/store) and a state directory (default /nix/var/nix) laid out as
// Nix 2.34 lays them out, so that real Nix and Cairn can share one store.
//
// It owns:
//   - the metadata database, db/db.sqlite in Nix's own schema (ValidPaths,
//     Refs, DerivationOutputs, and the Realisations tables of Nix's
//     ca-derivations migration) with the db/schema version file, opened
//     through modernc.org/sqlite (pure Go) in WAL mode as Nix opens it;
//   - choosing a store: URIs (auto, local, local?root=DIR, a path), the
//     `store` setting of nix.conf, NIX_REMOTE, NIX_STORE_DIR,
//     NIX_STATE_DIR, NIX_LOG_DIR and NIX_CONF_DIR;
//   - reading the configuration (settings.go, nixconf.go): nix.conf and
//     its includes, the user's files, NIX_CONFIG and NIX_PATH, into
//     Settings (store, build and evaluation options), with the names and
//     kinds of every setting Nix knows (knownsettings.go, recorded from
//     real Nix) for warnings and command-line flags;
//   - adding store objects atomically: written under a temporary name in
//     the store, canonicalised (mtime 1, no write or setuid bits),
//     renamed into place, then registered in one transaction; a crash
//     leaves only unregistered garbage, which the collector removes;
//   - queries (validity, references, referrers, derivers, closures), the
//     validity registration format of --dump-db/--load-db and the
//     `nix-store --export` format;
//   - Nix's lock protocols, with flock(2) as Nix 2.34 takes them:
//     "<path>.lock" files, db/big-lock, gc.lock, temporary roots in
//     temproots/<pid> and the collector's gc-socket/socket;
//   - garbage collection (roots in gcroots/ and profiles/, temporary
//     roots, and a /proc scan of running processes) and verification.
//
// For evaluation, Adder is the small interface to write through:
// AddPath/AddPathWith (a file or tree, NAR or flat), AddText (toFile, a
// .drv, with references) and IsValid. *Local writes; *Computer only
// computes the paths, as Nix does in read-only mode. *Local also has the
// AddDump, References and ReadDerivation methods evalstore.Store asks for.
//
// It builds on nar, nixhash, storepath, derivation and narinfo, and must
// never import eval, evalstore or cli.
package store
