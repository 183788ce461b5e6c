builtins.parseDrvName (builtins.appendContext "foo-1" { "/nix/store/00000000000000000000000000000000-foo" = { path = true; }; })
