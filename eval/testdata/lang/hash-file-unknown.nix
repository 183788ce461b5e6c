builtins.hashFile "sha3" ./hash-file.nix
