derivation { name = "basic"; builder = "/bin/sh"; system = "x86_64-linux"; }
