with builtins; map (a: hashString a "hello world") [ "md5" "sha1" "sha256" "sha512" ] ++ [
  (hashString "sha256" "") (hashString "md5" (appendContext "x" { "/nix/store/00000000000000000000000000000000-foo" = { path = true; }; }))
]
