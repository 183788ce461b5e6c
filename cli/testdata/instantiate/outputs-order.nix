derivation { name = "outputs-order"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "lib" "bin" "out" ]; }
