derivation { name = "json"; builder = "/bin/sh"; system = "x86_64-linux"; __json = builtins.toJSON { x = 1; }; }
