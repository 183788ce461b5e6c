// Package nixhash implements Nix's content hashes: the algorithms (md5,
// sha1, sha256, sha512, blake3), the Hash value, its four text forms
// (base16, nix32, base64 and SRI, each with or without an "algo:" prefix),
// parsing them with the same acceptance rules as Nix (parseAny, parseSRI,
// parseNonSRIUnprefixed, ...), hashing byte streams, and the XOR folding
// Nix uses to shorten a sha256 to a 20-byte store path digest.
//
// BLAKE3 is always available here; Nix gates it behind the
// "blake3-hashes" experimental feature, which is a policy for callers.
//
// This package imports only nixbase32 among Cairn packages, and must never
// import eval, store or build.
package nixhash
