builtins.path { path = ./src; name = "a b"; }
