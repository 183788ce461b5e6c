// Package build realises derivations: it schedules the derivation graph
// (--max-jobs, --cores, --keep-going), runs each builder (in a Linux
// sandbox of namespaces like Nix's, or unsandboxed when sandbox = false),
// runs builtin:fetchurl, and registers the outputs in the local store
// after scanning their references and applying the derivation's output
// checks. It keeps build logs where Nix keeps them (NIX_LOG_DIR/drvs,
// uncompressed, as with compress-build-log = false) and reports progress
// through the Events interface (plain lines, internal-json, a live bar).
//
// The sandbox re-executes the running binary as the namespace's init
// (see sandboxinit_linux.go), so every program that imports this package
// can build in a sandbox without further wiring.
//
// It builds on store, derivation, nar, nixhash and storepath, and must
// never import eval, evalstore or cli.
package build
