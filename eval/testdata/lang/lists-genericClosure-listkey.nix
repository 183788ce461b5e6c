builtins.genericClosure { startSet = [ { key = [ 1 2 ]; } { key = [ 1 "a" ]; } ]; operator = x: [ ]; }
