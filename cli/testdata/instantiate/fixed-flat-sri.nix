derivation { name = "fixed-sri"; builder = "/bin/sh"; system = "x86_64-linux"; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; }
