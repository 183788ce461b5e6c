derivation { name = "x"; builder = "/bin/sh"; system = "x"; outputHashMode = "git"; }
