let
  f = { a, b ? a + 1, ... }@args: [ a b (args ? c) ];
  r = rec { x = 1; y = x + 1; inherit (s) z; };
  s = { z = "zed"; };
in
{
  calls = f { a = 1; c = 3; };
  recs = r;
  withs = with s; z;
  strings = "a${"b"}c" + "d";
  paths = ./foo + "/bar";
  eq = [ (1 == 1.0) ([ 1 ] == [ 1 ]) ({ a = 1; } == { a = 1; }) ];
  ops = [ (1 < 2) (2 <= 1) (true -> false) (!false) ];
  update = { a = 1; b = 2; } // { b = 3; };
  concat = [ 1 ] ++ [ 2 3 ];
  tried = builtins.tryEval (throw "no");
  sel = s.nope or "default";
}
