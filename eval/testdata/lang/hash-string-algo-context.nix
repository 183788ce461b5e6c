builtins.hashString (builtins.appendContext "md5" { "/nix/store/00000000000000000000000000000000-foo" = { path = true; }; }) "x"
