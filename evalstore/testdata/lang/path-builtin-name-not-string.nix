builtins.path { path = ./src; name = 1; }
