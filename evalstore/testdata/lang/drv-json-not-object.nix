derivation { name = "s"; builder = "/bin/sh"; system = "x86_64-linux"; __json = "[]"; }
