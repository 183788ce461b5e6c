derivation { name = "passasfile"; builder = "/bin/sh"; system = "x86_64-linux"; passAsFile = [ "big" ]; big = "lots of text"; }
