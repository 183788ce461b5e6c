// Package nixbase32 implements Nix's own base-32 text encoding, the one
// used for store path hash parts and "nix32" hashes.
//
// It is not RFC 4648 base32: the alphabet omits e, o, u and t (so that
// encoded hashes do not spell words), and the digits are taken from the
// end of the byte string, so the last character encodes the low bits of
// the first byte. Decoding is strict: only lengths an encoder can produce,
// only alphabet characters, and no stray bits above the encoded bytes.
//
// This package owns only the encoding. It imports no other Cairn package,
// and must never import eval, store or build.
package nixbase32
