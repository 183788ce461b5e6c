derivation { name = "src-dir"; builder = "/bin/sh"; system = "x86_64-linux"; src = ./src; }
