builtins.addDrvOutputDependencies (builtins.appendContext "a" { "/nix/store/00000000000000000000000000000000-foo.drv" = { outputs = ["out" "dev"]; }; })
