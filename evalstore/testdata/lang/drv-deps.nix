let
  mk = attrs: derivation ({ builder = "/bin/sh"; system = "x86_64-linux"; } // attrs);
  a = mk { name = "a"; outputs = [ "out" "lib" ]; };
  b = mk { name = "b"; src = a; args = [ "-c" "cp ${a.lib}/x $out" ]; };
  c = mk { name = "c"; deps = [ a b ]; builder = "${b}/bin/build"; };
  src = mk { name = "src"; file = ./src/file; dir = ./src; text = builtins.toFile "t" "text ${./src/file}"; };
in
map (d: [ d.drvPath d.outPath ]) [ a b c src ]
