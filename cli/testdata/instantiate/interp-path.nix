derivation { name = "interp"; builder = "/bin/sh"; system = "x86_64-linux"; cmd = "cat ${./src/a.txt}"; }
