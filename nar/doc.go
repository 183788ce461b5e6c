// Package nar reads and writes Nix archives (NARs), the canonical
// serialisation of a file system tree that Nix hashes and ships.
//
// A NAR is a sequence of strings, each an 8-byte little-endian length,
// the bytes, and zero padding to a multiple of 8. After the magic
// "nix-archive-1" comes one node: "(" "type" "regular" ["executable" ""]
// "contents" <data> ")", or "(" "type" "symlink" "target" <target> ")",
// or "(" "type" "directory" { "entry" "(" "name" <name> "node" <node> ")" }
// ")" with entries in strictly increasing byte order of name. Since the
// form is canonical, a tree has exactly one NAR, and Reader accepts only
// that one: it rejects bad tags, names ("", ".", "..", with '/' or NUL),
// unsorted or duplicate entries, non-zero padding, over-long strings,
// nesting deeper than 64 and truncated input, naming the entry and the
// byte offset.
//
// The package owns: Writer (a header-by-header encoder), Reader (a
// streaming, validating decoder), DumpPath/DumpFS (file system to NAR),
// Restore (NAR to file system, all or nothing), Copy, and List (the
// JSON listing Nix writes next to NARs in binary caches).
//
// Not implemented: Nix's macOS "use-case-hack" renaming, and fsync on
// Restore (callers that need durability sync the result).
//
// It imports no other Cairn package, and must never import eval, store or
// build.
package nar
