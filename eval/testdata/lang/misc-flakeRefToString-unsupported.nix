builtins.flakeRefToString { type = "foo"; a = 1; }
