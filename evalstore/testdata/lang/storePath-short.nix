builtins.storePath "/nix/store/x"
