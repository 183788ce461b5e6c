// Package cli implements Cairn's command lines: the modern `cairn` command
// and the classic nix-* commands, chosen by the name the binary was called
// by. It parses flags, wires the library packages together and decides
// exit codes; the work itself lives in the packages it calls. Settings
// given on a command line (--option, --NAME, --no-NAME, --extra-NAME)
// go through one settingFlags per command line, applied over nix.conf in
// the order given (settings.go). Nothing imports cli except cmd/cairn.
package cli
