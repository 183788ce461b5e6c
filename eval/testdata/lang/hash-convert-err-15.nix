builtins.convertHash { hash = "00000000000000000000000000000000"; hashAlgo = 5; toHashFormat = "sri"; }
