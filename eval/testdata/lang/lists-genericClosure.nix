let
  collatz = builtins.genericClosure {
    startSet = [ { key = 27; } ];
    operator = item: [ { key = if item.key / 2 * 2 == item.key then item.key / 2 else 3 * item.key + 1; } ];
  };
in
{
  len = builtins.length collatz;
  first = builtins.head collatz;
  last = builtins.elemAt collatz (builtins.length collatz - 1);
  strings = builtins.genericClosure {
    startSet = [ { key = "a"; } { key = "b"; } { key = "a"; x = 1; } ];
    operator = x: if x.key == "a" then [ { key = "c"; } { key = "b"; } ] else [ ];
  };
  lists = builtins.genericClosure {
    startSet = [ { key = [ 1 2 ]; } { key = [ 1 ]; } { key = [ 1 2 ]; } ];
    operator = x: [ ];
  };
  mixed = builtins.genericClosure {
    startSet = [ { key = 1; } { key = 1.0; } { key = 2.5; } ];
    operator = x: [ ];
  };
  empty = builtins.genericClosure { startSet = [ ]; operator = throw "unused"; };
}
