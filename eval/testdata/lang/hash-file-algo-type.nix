builtins.hashFile null ./hash-file.nix
