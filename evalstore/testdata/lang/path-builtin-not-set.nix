builtins.path 1
