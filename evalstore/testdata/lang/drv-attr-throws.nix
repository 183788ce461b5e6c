derivation { name = "x"; builder = "/bin/sh"; system = "x"; x = throw "boom"; }
