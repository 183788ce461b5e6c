// Package syntax owns the Nix language front end: source files and
// positions (a FileSet of compact Pos offsets, as go/token does), the
// lexer, the LALR(1) parser built from Nix's grammar, the abstract syntax
// tree with variables resolved to (level, displacement) pairs, the AST
// printer used by `nix-instantiate --parse`, and parse errors rendered the
// way Nix renders them, code frame included.
//
// It must not import any other Cairn package: the evaluator, the store and
// the command line all build on it, never the other way round.
package syntax
