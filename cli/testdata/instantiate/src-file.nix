derivation { name = "src-file"; builder = "/bin/sh"; system = "x86_64-linux"; src = ./src/a.txt; }
