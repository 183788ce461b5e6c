builtins.convertHash { hash = "sha256-abc"; toHashFormat = "sri"; }
