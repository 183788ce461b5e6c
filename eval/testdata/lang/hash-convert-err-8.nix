builtins.convertHash { hash = "md5:00000000000000000000000000000000"; hashAlgo = "sha1"; toHashFormat = "sri"; }
