derivation { name = "filtersource"; builder = "/bin/sh"; system = "x86_64-linux"; src = builtins.filterSource (p: t: t != "directory" || baseNameOf p != "sub") ./src; }
