let
  a = derivation { name = "a"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "out" "dev" ]; };
  b = derivation { name = "b"; builder = "/bin/sh"; system = "x86_64-linux"; x = "${a.dev}/include"; y = ./src/file; };
in
{
  drvPath = builtins.getContext a.drvPath;
  outPath = builtins.getContext a.outPath;
  dev = builtins.getContext a.dev.outPath;
  both = builtins.getContext "${a} ${a.dev} ${b}";
  strict = builtins.getContext (derivationStrict { name = "s"; builder = "/bin/sh"; system = "x86_64-linux"; }).out;
  bPaths = [ b.drvPath b.outPath ];
}
