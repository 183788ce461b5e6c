let s = builtins.appendContext "a-b" { "/nix/store/00000000000000000000000000000000-foo" = { path = true; }; }; in
  map (x: if builtins.isString x then builtins.hasContext x else x) (builtins.split "-" s ++ builtins.split "z" s)
