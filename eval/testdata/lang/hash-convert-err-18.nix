builtins.convertHash { hash = "00000000000000000000000000000000"; hashAlgo = "blake3"; toHashFormat = "sri"; }
