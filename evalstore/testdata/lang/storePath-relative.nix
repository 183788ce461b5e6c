builtins.storePath "nix"
