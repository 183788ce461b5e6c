derivation { name = "path-filter"; builder = "/bin/sh"; system = "x86_64-linux"; src = builtins.path { path = ./src; name = "filtered"; filter = p: t: builtins.match ".*\\.log" p == null; }; }
