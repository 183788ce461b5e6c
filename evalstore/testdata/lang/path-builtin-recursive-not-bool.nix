builtins.path { path = ./src; recursive = "yes"; }
