let
  a = builtins.toFile "a" "hello";
  b = builtins.toFile "b" "uses ${a}";
  c = builtins.toFile "c" "uses ${b} and ${./src/file}";
in
{
  inherit a b c;
  empty = builtins.toFile "empty" "";
  drvName = builtins.toFile "x.drv" "";
  ctxB = builtins.getContext b;
  ctxC = builtins.getContext c;
  read = builtins.readFile ./src/file;
}
