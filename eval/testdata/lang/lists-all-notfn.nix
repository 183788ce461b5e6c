builtins.all 1 [ ]
