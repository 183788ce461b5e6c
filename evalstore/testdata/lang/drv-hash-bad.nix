derivation { name = "x"; builder = "/bin/sh"; system = "x"; outputHash = "sha256:abc"; }
