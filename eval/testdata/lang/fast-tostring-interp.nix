# toString inside an interpolation is computed without the intermediate
# string; its results and errors must not change.
let
  f = i: "k${toString i}-${toString (i * 2)}";
  ctx = { outPath = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x"; };
in [ (f 3) "${toString [ 1 null true ]}" "${toString ctx}" ("a" + "${toString 1.5}") ]
