builtins.appendContext "" { "/nix/store/00000000000000000000000000000000-foo.drv" = { outputs = [ 1 ]; }; }
