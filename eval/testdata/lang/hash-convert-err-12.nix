builtins.convertHash { hash = "sha256-AAAA"; toHashFormat = "sri"; }
