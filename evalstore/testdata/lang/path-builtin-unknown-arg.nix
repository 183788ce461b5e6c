builtins.path { path = ./src; foo = 1; }
