derivationStrict { name = ""; builder = "/bin/sh"; system = "x"; }
