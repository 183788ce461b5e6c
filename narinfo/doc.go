// Package narinfo owns the binary-cache metadata formats: the .narinfo
// text file (parse and print, with Nix's acceptance rules), the path-info
// and nar-info JSON forms (versions 1, 2 and 3), the signing fingerprint
// of a store object, and Nix's ed25519 signing keys ("name:base64" secret
// and public keys, detached signatures).
//
// It may import the store-format packages nixbase32, nixhash and
// storepath, and the standard library. It must never import eval, store,
// build or cli: those sit above it.
package narinfo
