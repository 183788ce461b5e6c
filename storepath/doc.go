// Package storepath implements Nix store paths and content addresses:
// the StorePath value (a 20-byte digest and a name), name validation,
// parsing and printing against a store directory (default /nix/store),
// the path computations of Nix's StoreDirConfig (makeStorePath, output,
// text, fixed-output and source paths, with references), and content
// address strings and JSON ("fixed:r:sha256:...", "text:sha256:...").
//
// It imports only nixbase32 and nixhash among Cairn packages, and must
// never import eval, store or build: it is pure computation on strings
// and hashes, with no file system access.
package storepath
