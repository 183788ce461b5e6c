builtins.path { path = ./src; filter = 1; }
