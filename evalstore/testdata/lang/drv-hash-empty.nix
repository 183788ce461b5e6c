(derivation { name = "x"; builder = "/bin/sh"; system = "x"; outputHash = ""; outputHashAlgo = "sha256"; }).outPath
