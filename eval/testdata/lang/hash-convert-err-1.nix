builtins.convertHash { hash = "abc"; toHashFormat = "sri"; }
