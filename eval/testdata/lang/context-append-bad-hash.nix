builtins.appendContext "" { "/nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-foo" = { path = true; }; }
