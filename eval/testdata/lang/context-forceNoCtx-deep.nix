builtins.match (builtins.appendContext "a" { "/nix/store/00000000000000000000000000000000-foo.drv" = { allOutputs = true; }; }) "a"
