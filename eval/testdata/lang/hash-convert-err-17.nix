builtins.convertHash { hash = "foo:00000000000000000000000000000000"; toHashFormat = "sri"; }
