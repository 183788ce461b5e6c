// Package eval is the Nix language evaluator: values, lazy evaluation with
// thunks, environments, the builtins, and errors with Nix's traces.
//
// It is the pure language: file and store access go through the IO
// interface it declares, and store-dependent builtins are registered by a
// glue package. It must not import store, build, fetch or cli packages.
package eval
