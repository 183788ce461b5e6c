derivation { name = "e"; builder = 1; system = "x86_64-linux"; __structuredAttrs = true; }
