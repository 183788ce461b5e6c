derivation { name = "e"; builder = "/bin/sh"; system = "x86_64-linux"; __structuredAttrs = true; outputs = [ "out" 1 ]; }
