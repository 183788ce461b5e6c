let f = n: [ (n - 1) ]; min = -9223372036854775807 - 1; in builtins.elemAt (f min) 0
