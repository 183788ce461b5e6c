derivation { name = "x"; builder = "/bin/sh"; system = "x"; __contentAddressed = true; }
