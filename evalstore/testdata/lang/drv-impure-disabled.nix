derivation { name = "x"; builder = "/bin/sh"; system = "x"; __impure = true; }
