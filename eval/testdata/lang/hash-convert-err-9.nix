builtins.convertHash { hash = "00000000000000000000000000000000"; hashAlgo = "foo"; toHashFormat = "sri"; }
