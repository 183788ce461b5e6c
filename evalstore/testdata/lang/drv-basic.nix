let
  d = derivation {
    name = "basic";
    builder = "/bin/sh";
    system = "x86_64-linux";
    args = [ "-c" "echo hi > $out" ];
  };
in
{
  inherit (d) drvPath outPath name system builder outputName type;
  strict = derivationStrict { name = "basic"; builder = "/bin/sh"; system = "x86_64-linux"; args = [ "-c" "echo hi > $out" ]; };
  isDrv = d.type;
  all = map (o: o.outPath) d.all;
  drvAttrs = d.drvAttrs;
}
