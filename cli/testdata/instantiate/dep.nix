let a = derivation { name = "dep-a"; builder = "/bin/sh"; system = "x86_64-linux"; }; in derivation { name = "dep-b"; builder = "/bin/sh"; system = "x86_64-linux"; input = a; }
