builtins.fromTOML "a = [1,\n2,\nx]\n"
