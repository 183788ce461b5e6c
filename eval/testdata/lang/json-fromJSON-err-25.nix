builtins.fromJSON (builtins.appendContext "1" { "/nix/store/00000000000000000000000000000000-foo" = { path = true; }; })
