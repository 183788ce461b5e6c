derivation { name = "x"; builder = "/bin/sh"; system = "x"; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; outputs = [ "out" "dev" ]; }
