builtins.convertHash { hash = 1; toHashFormat = "sri"; }
