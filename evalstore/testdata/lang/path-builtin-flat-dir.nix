builtins.path { path = ./src; recursive = false; }
