// Command cairn is the Cairn binary. Under the names nix, nix-instantiate,
// nix-build, nix-store, nix-shell, nix-env, nix-hash and
// nix-collect-garbage it behaves as those commands. It only wires: it
// imports cli and nothing else of Cairn.
package main

import (
	"os"

	"github.com/cairn-nix/cairn/cli"
)

func main() {
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
