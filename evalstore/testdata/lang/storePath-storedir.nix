builtins.storePath "/nix/store"
