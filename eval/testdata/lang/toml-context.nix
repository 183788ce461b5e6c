builtins.fromTOML (builtins.appendContext "a = 1" { "/nix/store/00000000000000000000000000000000-foo" = { path = true; }; })
