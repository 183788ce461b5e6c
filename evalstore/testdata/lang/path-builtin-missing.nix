builtins.path { path = ./src/missing; }
