builtins.fromTOML "a = 1e400"
