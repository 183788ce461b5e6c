builtins.genericClosure { startSet = [ { key = 1; } { key = 2; } { key = 3; } { key = "s"; } ]; operator = x: [ ]; }
