derivation { name = "path-flat"; builder = "/bin/sh"; system = "x86_64-linux"; src = builtins.path { path = ./src/a.txt; recursive = false; }; }
