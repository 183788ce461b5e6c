let
  d = derivation {
    name = "multi";
    builder = "/bin/sh";
    system = "x86_64-linux";
    outputs = [ "out" "dev" "bin" ];
  };
  s = derivationStrict {
    name = "multi-str";
    builder = "/bin/sh";
    system = "x86_64-linux";
    outputs = "bin  out\tdev";
  };
  first = derivation {
    name = "first";
    builder = "/bin/sh";
    system = "x86_64-linux";
    outputs = [ "z" "a" ];
  };
in
{
  paths = [ d.drvPath d.outPath d.dev.outPath d.bin.outPath d.out.outPath ];
  names = [ d.outputName d.dev.outputName d.bin.outputName ];
  str = [ s.drvPath s.out s.dev s.bin ];
  first = [ first.outputName first.outPath first.a.outPath ];
  strictNames = builtins.attrNames (derivationStrict { name = "x"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "z" "a" ]; });
}
