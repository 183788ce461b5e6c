builtins.flakeRefToString { owner = "a"; }
