derivation { name = "x"; builder = "/bin/sh"; system = "x"; args = [ "a" (x: x) ]; }
