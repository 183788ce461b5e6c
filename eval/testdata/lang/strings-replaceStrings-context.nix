let d = builtins.appendContext "x" { "/nix/store/00000000000000000000000000000000-foo" = { path = true; }; }; in [
  (builtins.getContext (builtins.replaceStrings ["a"] [d] "abc"))
  (builtins.getContext (builtins.replaceStrings ["z"] [d] "abc"))
  (builtins.getContext (builtins.replaceStrings ["a"] ["b"] (d + "a")))
]
