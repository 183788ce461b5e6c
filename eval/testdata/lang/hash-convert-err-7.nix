builtins.convertHash { hash = "md5:00000000000000000000000000000000"; toHashFormat = "foo"; }
