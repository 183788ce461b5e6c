builtins.convertHash { hash = "md5:0000000000000000000000000000000g"; toHashFormat = "sri"; }
