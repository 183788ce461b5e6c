builtins.convertHash { hash = "blake3:00000000000000000000000000000000"; toHashFormat = "sri"; }
