let
  p = "/nix/store/00000000000000000000000000000000-foo";
  d = "/nix/store/00000000000000000000000000000000-bar.drv";
  s = builtins.appendContext "x" { ${p} = { path = true; }; ${d} = { allOutputs = true; outputs = [ "out" "dev" ]; }; };
in with builtins; [
  (getContext s)
  (hasContext s) (hasContext "x")
  (getContext (unsafeDiscardStringContext s))
  (getContext (unsafeDiscardOutputDependency s))
  (getContext (addDrvOutputDependencies (appendContext "" { ${d} = { path = true; }; })))
  (getContext (addDrvOutputDependencies (appendContext "" { ${d} = { allOutputs = true; }; })))
  (getContext (appendContext "" { ${d} = { path = false; allOutputs = false; outputs = []; }; }))
  (getContext (appendContext s { ${p} = { }; }))
  (s == appendContext (unsafeDiscardStringContext s) (getContext s))
  (unsafeDiscardStringContext 42.0 == "")
]
