builtins.parseFlakeRef "path:/x?a=[1]"
