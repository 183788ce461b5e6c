builtins.convertHash { hash = "x"; }
