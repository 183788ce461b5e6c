# Exercises most of the grammar, for the fuzzer's seed corpus.
{ a, b ? 1, ... }@args:
let
  inherit (args) c;
  d = rec { e = 1; f.g = e; "h${"i"}" = [ 1 2.5 "s" ''ind ${c} '' ./p/q ~/r <s> http://u ]; };
in
assert a -> b;
with d;
if !(a == b) && b != c || e < 1 && f.g >= 2 then
  x: x.y or (x // { z = -1 * 2 / 3 - 4 + 5; }) ++ [ (x ? w.v) ]
else
  let { body = __curPos; }
