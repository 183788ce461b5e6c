builtins.match (builtins.appendContext "a" { "/nix/store/00000000000000000000000000000000-foo" = { path = true; }; }) "a"
