{ x = derivation { name = "set-x"; builder = "/bin/sh"; system = "x86_64-linux"; }; y = derivation { name = "set-y"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "out" "man" ]; }; }
