let
  mk = attrs: derivation ({ name = "n"; builder = "/bin/sh"; system = "x86_64-linux"; a = null; b = "x"; c = 1; d = true; e = false; f = 1.5; g = [ 1 "a" [ 2 ] null ]; } // attrs);
in
map (d: d.drvPath) [
  (mk { })
  (mk { __ignoreNulls = true; })
  (mk { __ignoreNulls = false; })
  (mk { passAsFile = [ "b" ]; })
]
