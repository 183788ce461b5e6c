derivation { name = "x.drv"; builder = "/bin/sh"; system = "x"; }
